import Foundation

/// Who is calling, as established by a verified token.
public struct Principal: Sendable, Equatable {
    /// The roles of the contract; any other role in a token is ignored.
    public static let knownRoles: Set<String> = ["caseworker", "approver", "auditor", "admin"]

    /// The `sub` claim.
    public let subject: String
    /// The `org` claim, e.g. "canton:KSD", "municipality:4001", "delegate:caritas:4001", "partner:RAV".
    public let organisation: String
    /// The known roles among the `roles` claim.
    public let roles: Set<String>
    /// The `exp` claim.
    public let expiresAt: Date

    /// Unknown roles are dropped here too, so that a principal never holds a role the
    /// access rules do not know about.
    public init(subject: String, organisation: String, roles: Set<String>, expiresAt: Date) {
        self.subject = subject
        self.organisation = organisation
        self.roles = roles.intersection(Self.knownRoles)
        self.expiresAt = expiresAt
    }

    public func hasRole(_ role: String) -> Bool {
        roles.contains(role)
    }
}
