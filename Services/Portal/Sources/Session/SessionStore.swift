import Foundation
import IASAuth
import IASCrypto
import IASRuntime

/// The sessions of this portal instance, bounded in number and in time: a session ends after
/// `lifetime`, after `idleTimeout` without a request, when its token expires, or on sign-out.
/// At `capacity`, the session seen least recently makes room.
public final class SessionStore: @unchecked Sendable {
    public let lifetime: TimeInterval
    public let idleTimeout: TimeInterval
    public let capacity: Int
    private let sessions = Locked<[String: Session]>([:])

    public init(lifetime: TimeInterval, idleTimeout: TimeInterval, capacity: Int = 50_000) {
        self.lifetime = lifetime
        self.idleTimeout = idleTimeout
        self.capacity = capacity
    }

    public var count: Int { sessions.current.count }

    /// A new session for `principal`, with a fresh id and CSRF token.
    public func start(token: String, principal: Principal, origin: Session.Origin, label: String? = nil, now: Date = Date()) -> Session {
        let session = Session(
            id: Self.randomToken(), token: token, principal: principal, csrfToken: Self.randomToken(),
            startedAt: now, lastSeen: now, expiresAt: min(now.addingTimeInterval(lifetime), principal.expiresAt), origin: origin,
            label: label)
        sessions.withLock { table in
            if table.count >= capacity {
                Self.dropExpired(&table, now: now, idleTimeout: idleTimeout)
                if table.count >= capacity, let oldest = table.values.min(by: { $0.lastSeen < $1.lastSeen }) {
                    table[oldest.id] = nil
                }
            }
            table[session.id] = session
        }
        return session
    }

    /// The live session of `id`, marked as seen; nil (and forgotten) when it has ended.
    public func resume(_ id: String, now: Date = Date()) -> Session? {
        sessions.withLock { table in
            guard var session = table[id] else { return nil }
            guard now < session.expiresAt, now.timeIntervalSince(session.lastSeen) < idleTimeout else {
                table[id] = nil
                return nil
            }
            session.lastSeen = now
            table[id] = session
            return session
        }
    }

    /// The proxy forwarded a newer token of the same user: the session carries it from now on.
    @discardableResult
    public func renew(_ id: String, token: String, principal: Principal, now: Date = Date()) -> Session? {
        sessions.withLock { table in
            guard var session = table[id] else { return nil }
            session.token = token
            session.principal = principal
            session.expiresAt = min(session.startedAt.addingTimeInterval(lifetime), principal.expiresAt)
            table[id] = session
            return session
        }
    }

    public func end(_ id: String) {
        sessions.withLock { $0[id] = nil }
    }

    /// 32 random bytes, base64url: session ids and CSRF tokens.
    public static func randomToken() -> String { Base64URL.encode(SecureRandom.bytes(32)) }

    private static func dropExpired(_ table: inout [String: Session], now: Date, idleTimeout: TimeInterval) {
        table = table.filter { now < $0.value.expiresAt && now.timeIntervalSince($0.value.lastSeen) < idleTimeout }
    }
}
