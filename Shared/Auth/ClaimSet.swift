import IASRuntime

/// The claims of a token whose signature has been checked, with their types and forms
/// validated; times are seconds since 1970 (JWT NumericDate).
struct ClaimSet {
    static let maximumSubjectLength = 256

    let subject: String
    let organisation: String
    let roles: Set<String>
    let expiresAt: Double
    let notBefore: Double?

    init(_ claims: [String: JSONValue]) throws(AuthenticationError) {
        guard case .string(let subject)? = claims["sub"],
              !subject.isEmpty, subject.utf8.count <= Self.maximumSubjectLength else { throw .invalidClaims }
        guard case .string(let organisation)? = claims["org"],
              OrganisationName.isWellFormed(organisation) else { throw .invalidClaims }
        guard case .array(let roleValues)? = claims["roles"] else { throw .invalidClaims }
        var roles: Set<String> = []
        for value in roleValues {
            guard case .string(let role) = value else { throw .invalidClaims }
            roles.insert(role)
        }
        guard let expiresAt = try Self.time(claims["exp"]) else { throw .invalidClaims }
        let notBefore = try Self.time(claims["nbf"])
        // iat is informational only, but a present one must still be a NumericDate.
        _ = try Self.time(claims["iat"])

        self.subject = subject
        self.organisation = organisation
        self.roles = roles.intersection(Principal.knownRoles)
        self.expiresAt = expiresAt
        self.notBefore = notBefore
    }

    /// nil when absent; a present value must be a finite number.
    private static func time(_ value: JSONValue?) throws(AuthenticationError) -> Double? {
        guard let value else { return nil }
        guard case .number(let seconds) = value, seconds.isFinite else { throw .invalidClaims }
        return seconds
    }
}
