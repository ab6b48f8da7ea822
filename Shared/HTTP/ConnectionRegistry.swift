import Glibc
import IASRuntime

/// The open connections and whether each waits between requests, so that shutdown can
/// close idle connections at once and wait for busy ones. A connection leaves the registry
/// before its socket is closed, so a shutdown(2) issued here never reaches a reused fd.
final class ConnectionRegistry: @unchecked Sendable {
    private struct State {
        var stopping = false
        var nextID = 0
        var connections: [Int: (fd: Int32, idle: Bool)] = [:]
    }

    private let state = Locked(State())
    let limit: Int

    init(limit: Int) { self.limit = limit }

    /// A new id, or nil when the limit is reached or the server is stopping.
    func admit(fd: Int32) -> Int? {
        state.withLock { s in
            guard !s.stopping, s.connections.count < limit else { return nil }
            s.nextID += 1
            s.connections[s.nextID] = (fd, false)
            return s.nextID
        }
    }

    /// Marks the connection idle or busy; false when the server is stopping and the
    /// connection should close instead.
    func setIdle(_ id: Int, _ idle: Bool) -> Bool {
        state.withLock { s in
            guard !s.stopping else { return false }
            s.connections[id]?.idle = idle
            return true
        }
    }

    func remove(_ id: Int) {
        state.withLock { _ = $0.connections.removeValue(forKey: id) }
    }

    var count: Int { state.withLock { $0.connections.count } }
    var isStopping: Bool { state.withLock { $0.stopping } }

    /// Refuses new work and wakes idle connections (their poll sees end of input).
    func beginStopping() {
        state.withLock { s in
            s.stopping = true
            for connection in s.connections.values where connection.idle {
                shutdown(connection.fd, Int32(SHUT_RDWR))
            }
        }
    }

    /// Ends every remaining connection once the grace period is over.
    func shutDownAll() {
        state.withLock { s in
            for connection in s.connections.values { shutdown(connection.fd, Int32(SHUT_RDWR)) }
        }
    }
}
