import Foundation
import IASRuntime
#if canImport(Glibc)
import Glibc
#endif

/// The identity provider's keys from a JWKS document on disk (`IAS_JWT_JWKS_FILE`), read
/// again when the file changes, without a restart.
///
/// Whoever keeps the file current (a ConfigMap updated from the provider's JWKS URL, a sidecar,
/// a cron job) replaces it; the request path looks at the file's identity (device, inode, size,
/// modification time) at most once per `checkInterval` and reads it only when that changed, so
/// no background thread is needed. A re-read that fails (a half-written file, bad JSON, no
/// usable key, the file missing for a moment) keeps the last good key set and is reported once
/// per state of the file; while it fails, the file is read again at each check, so that a
/// writer whose final state looks like its half-written one (same size, coarse timestamps) is
/// still picked up.
public final class JWKSFile: VerificationKeySource, @unchecked Sendable {
    /// What happened to the file, for the service's log.
    public enum Notice: Sendable {
        /// A new version was read; its keys are in use from now on.
        case reloaded(JSONWebKeySet)
        /// The file changed but cannot be used (the reason); the previous keys stay in use.
        case reloadFailed(String)
    }

    /// A file's content together with the identity of the version it was read from.
    public struct Snapshot: Sendable {
        public let keys: JSONWebKeySet
        let version: FileVersion
    }

    public let path: String
    private let checkInterval: Double
    private let notify: @Sendable (Notice) -> Void
    private let state: Locked<State>

    private struct State {
        var snapshot: Snapshot
        var nextCheck: Double
        var checking = false
        /// The version the last failure was reported for (`nil`: the last read succeeded).
        var failedVersion: FileVersion?
    }

    /// Reads the file once, for the start of a service: a file that cannot be read or used is
    /// a configuration error with the reason.
    public static func load(path: String) throws(AuthConfigurationError) -> Snapshot {
        try readSnapshot(path)
    }

    /// - Parameters:
    ///   - initial: the snapshot `load(path:)` returned at start.
    ///   - checkInterval: how often, at most, the request path looks at the file (seconds).
    ///   - notify: called (on a request's thread) after a reload and once per failed version.
    public init(path: String, initial: Snapshot, checkInterval: Double = 1,
                notify: @escaping @Sendable (Notice) -> Void = { _ in }) {
        self.path = path
        self.checkInterval = max(0, checkInterval)
        self.notify = notify
        state = Locked(State(snapshot: initial, nextCheck: MonotonicClock.now() + self.checkInterval))
    }

    public func currentKeys() -> JSONWebKeySet {
        let now = MonotonicClock.now()
        let (snapshot, due) = state.withLock { state -> (Snapshot, Bool) in
            guard now >= state.nextCheck, !state.checking else { return (state.snapshot, false) }
            state.checking = true
            return (state.snapshot, true)
        }
        guard due else { return snapshot.keys }
        // One request thread looks at the file; the others go on with the keys they have.
        let keys = refresh(current: snapshot)
        state.withLock { state in
            state.checking = false
            state.nextCheck = MonotonicClock.now() + checkInterval
        }
        return keys
    }

    private func refresh(current: Snapshot) -> JSONWebKeySet {
        let observed = FileVersion.of(path)
        let failing = state.withLock { $0.failedVersion != nil }
        if observed == current.version && !failing { return current.keys }
        do {
            let fresh = try Self.readSnapshot(path)
            state.withLock { state in
                state.snapshot = fresh
                state.failedVersion = nil
            }
            if fresh.version != current.version { notify(.reloaded(fresh.keys)) }
            return fresh.keys
        } catch {
            let version = observed ?? .missing
            let first = state.withLock { state -> Bool in
                defer { state.failedVersion = version }
                return state.failedVersion != version
            }
            if first {
                notify(.reloadFailed(error.description))
            }
            return current.keys
        }
    }

    /// Opens, checks and parses the file; its version is taken from the open descriptor, so
    /// that it belongs to exactly the bytes read.
    private static func readSnapshot(_ path: String) throws(AuthConfigurationError) -> Snapshot {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw AuthConfigurationError("cannot open \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            throw AuthConfigurationError("cannot examine \(path): \(String(cString: strerror(errno)))")
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw AuthConfigurationError("\(path) is not a regular file") }
        guard Int(info.st_size) <= JSONWebKeySet.maximumDocumentBytes else {
            throw AuthConfigurationError("\(path) is larger than \(JSONWebKeySet.maximumDocumentBytes) bytes")
        }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16_384)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw AuthConfigurationError("cannot read \(path): \(String(cString: strerror(errno)))")
            }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[..<count])
            guard bytes.count <= JSONWebKeySet.maximumDocumentBytes else {
                throw AuthConfigurationError("\(path) is larger than \(JSONWebKeySet.maximumDocumentBytes) bytes")
            }
        }
        return Snapshot(keys: try JSONWebKeySet.parse(bytes), version: FileVersion(info))
    }
}

/// What tells one version of a file from the next without reading it: a replacement by
/// rename (and a ConfigMap update, a symbolic link switched to a new file) changes the inode,
/// a rewrite in place the size or the modification time.
struct FileVersion: Equatable, Sendable {
    let device: UInt64
    let inode: UInt64
    let size: Int64
    let modifiedSeconds: Int64
    let modifiedNanoseconds: Int64

    /// Stands for "no file" in the record of reported failures.
    static let missing = FileVersion(device: 0, inode: 0, size: -1, modifiedSeconds: 0, modifiedNanoseconds: 0)

    private init(device: UInt64, inode: UInt64, size: Int64, modifiedSeconds: Int64, modifiedNanoseconds: Int64) {
        self.device = device
        self.inode = inode
        self.size = size
        self.modifiedSeconds = modifiedSeconds
        self.modifiedNanoseconds = modifiedNanoseconds
    }

    init(_ info: stat) {
        #if os(Linux)
        let modified = info.st_mtim
        #else
        let modified = info.st_mtimespec
        #endif
        self.init(device: UInt64(info.st_dev), inode: UInt64(info.st_ino), size: Int64(info.st_size),
                  modifiedSeconds: Int64(modified.tv_sec), modifiedNanoseconds: Int64(modified.tv_nsec))
    }

    /// The version at `path` (symbolic links followed), or nil when there is no file to read.
    static func of(_ path: String) -> FileVersion? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return FileVersion(info)
    }
}
