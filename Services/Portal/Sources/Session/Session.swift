import Foundation
import IASAuth

/// A signed-in user: the token the services are called with, who it names, and the CSRF token
/// every form of this session carries. Kept in the portal's memory only; the cookie holds a
/// random id that means nothing elsewhere.
public struct Session: Sendable {
    public let id: String
    public var token: String
    public var principal: Principal
    public let csrfToken: String
    public let startedAt: Date
    public var lastSeen: Date
    /// The earlier of the session's lifetime and the token's expiry.
    public var expiresAt: Date
    /// How the user signed in: behind the identity provider's proxy, or the local stack's list.
    public let origin: Origin

    public enum Origin: String, Sendable {
        case proxy, development
    }

    /// How the header names the user: the demo user's label on the local stack, else the
    /// token's subject (the identity provider's user name).
    public var label: String?
    public var displayName: String { label ?? principal.subject }
    public var organisation: String { principal.organisation }
}
