import IASRuntime

/// The claims of a token whose signature has been checked, with their types and forms
/// validated; times are seconds since 1970 (JWT NumericDate).
package struct ClaimSet {
    package static let maximumSubjectLength = 256

    let subject: String
    let organisation: String
    /// The known roles, the policy's role prefix removed.
    let roles: Set<String>
    let expiresAt: Double
    let issuedAt: Double
    let notBefore: Double?
    let issuer: String?
    /// `aud` as a list (RFC 7519 §4.1.3 allows one string or an array).
    let audiences: [String]

    /// Required: `sub`, the organisation and roles claims of `policy`, `exp` and `iat` (the
    /// lifetime check needs it). Present optional claims (`nbf`, `iss`, `aud`) must have the
    /// right type even when the policy does not check them.
    init(_ claims: [String: JSONValue], policy: TokenPolicy) throws(AuthenticationError) {
        guard case .string(let subject)? = claims["sub"],
              !subject.isEmpty, subject.utf8.count <= Self.maximumSubjectLength else { throw .invalidClaims }
        guard case .string(let organisation)? = policy.organisationClaim.value(in: claims),
              Organisation(organisation) != nil else { throw .invalidClaims }
        guard case .array(let roleValues)? = policy.rolesClaim.value(in: claims) else { throw .invalidClaims }
        var roles: Set<String> = []
        for value in roleValues {
            guard case .string(let role) = value else { throw .invalidClaims }
            if policy.rolePrefix.isEmpty {
                roles.insert(role)
            } else if role.hasPrefix(policy.rolePrefix) {
                roles.insert(String(role.dropFirst(policy.rolePrefix.count)))
            }
        }
        guard let expiresAt = try Self.time(claims["exp"]), let issuedAt = try Self.time(claims["iat"]) else {
            throw .invalidClaims
        }
        let notBefore = try Self.time(claims["nbf"])
        var issuer: String?
        if let value = claims["iss"] {
            guard case .string(let text) = value else { throw .invalidClaims }
            issuer = text
        }
        var audiences: [String] = []
        switch claims["aud"] {
        case nil: break
        case .string(let one)?: audiences = [one]
        case .array(let list)?:
            for value in list {
                guard case .string(let one) = value else { throw .invalidClaims }
                audiences.append(one)
            }
        default: throw .invalidClaims
        }

        self.subject = subject
        self.organisation = organisation
        self.roles = roles.intersection(Principal.knownRoles)
        self.expiresAt = expiresAt
        self.issuedAt = issuedAt
        self.notBefore = notBefore
        self.issuer = issuer
        self.audiences = audiences
    }

    /// nil when absent; a present value must be a finite number.
    private static func time(_ value: JSONValue?) throws(AuthenticationError) -> Double? {
        guard let value else { return nil }
        guard case .number(let seconds) = value, seconds.isFinite else { throw .invalidClaims }
        return seconds
    }
}
