import Glibc
import IASRuntime

/// The open connections and whether each waits between requests, so that shutdown can
/// close idle connections at once and wait for busy ones. A connection leaves the registry
/// before its socket is closed, so a shutdown(2) issued here never reaches a reused fd.
final class ConnectionRegistry: @unchecked Sendable {
    private struct State {
        var stopping = false
        var nextID = 0
        /// `spoken`: the connection has begun at least one request.
        var connections: [Int: (fd: Int32, idle: Bool, spoken: Bool)] = [:]
    }

    private let state = Locked(State())
    let limit: Int

    init(limit: Int) { self.limit = limit }

    /// A new id (and whether a silent connection was closed to make room for it), or nil
    /// when the server is stopping or every slot is held by a connection that has spoken.
    ///
    /// At the limit, the oldest connection that has not sent a byte yet gives way: such a
    /// connection costs its client nothing, and if silent connections could hold every slot
    /// until the read timeout, anyone could lock real clients out. Connections that have
    /// begun a request, or wait between requests, keep their slot; beyond them the answer
    /// is 503.
    func admit(fd: Int32) -> (id: Int, evicted: Bool)? {
        state.withLock { s in
            guard !s.stopping else { return nil }
            var evicted = false
            if s.connections.count >= limit {
                // Ids grow with time, so the smallest silent id is the oldest.
                guard let victim = s.connections.filter({ $0.value.idle && !$0.value.spoken }).keys.min(),
                      let entry = s.connections.removeValue(forKey: victim) else { return nil }
                // Its thread sees end of input, finds itself gone from the registry and closes.
                shutdown(entry.fd, Int32(SHUT_RDWR))
                evicted = true
            }
            s.nextID += 1
            s.connections[s.nextID] = (fd, false, false)
            return (s.nextID, evicted)
        }
    }

    /// Marks the connection idle or busy (busy means it has spoken); false when the server
    /// is stopping or the connection was closed to make room, and should end instead.
    func setIdle(_ id: Int, _ idle: Bool) -> Bool {
        state.withLock { s in
            guard !s.stopping, s.connections[id] != nil else { return false }
            s.connections[id]!.idle = idle
            if !idle { s.connections[id]!.spoken = true }
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
