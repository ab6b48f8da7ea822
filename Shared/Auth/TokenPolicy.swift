import Foundation

/// What a signed token's claims must satisfy, and where the claims of organisation and roles
/// are found. The same rules apply whatever algorithm signed the token.
public struct TokenPolicy: Sendable {
    /// The default longest lifetime (`exp - iat`): a working day.
    public static let defaultMaximumLifetime: TimeInterval = 43_200

    /// Tolerance for `exp`, `nbf` and `iat` between the issuer's clock and ours; negative counts as 0.
    public var clockSkew: TimeInterval {
        didSet { clockSkew = clockSkew.isFinite ? max(0, clockSkew) : 0 }
    }
    /// Longest accepted `exp - iat`: a token that was issued to live longer is refused even
    /// while it has not expired, so that a leaked long-lived token is worth little.
    public var maximumLifetime: TimeInterval
    /// When set, `iss` must be exactly this.
    public var issuer: String?
    /// When set, `aud` (a string or an array of strings) must name it.
    public var audience: String?
    public var organisationClaim: ClaimName
    public var rolesClaim: ClaimName
    /// When not empty, only roles starting with it count, without it (`ias-caseworker` is
    /// `caseworker`): other roles the provider hands out (a realm's `admin`) never grant
    /// anything here.
    public var rolePrefix: String

    public init(
        clockSkew: TimeInterval = 60, maximumLifetime: TimeInterval = TokenPolicy.defaultMaximumLifetime,
        issuer: String? = nil, audience: String? = nil,
        organisationClaim: ClaimName = .organisation, rolesClaim: ClaimName = .roles, rolePrefix: String = ""
    ) {
        self.clockSkew = clockSkew.isFinite ? max(0, clockSkew) : 0
        self.maximumLifetime = maximumLifetime
        self.issuer = issuer
        self.audience = audience
        self.organisationClaim = organisationClaim
        self.rolesClaim = rolesClaim
        self.rolePrefix = rolePrefix
    }

    /// Checks audience, issuer and times of claims whose signature has been verified.
    /// `now` is seconds since 1970.
    func check(_ claims: ClaimSet, now: Double) throws(AuthenticationError) {
        if let issuer, claims.issuer != issuer { throw .wrongIssuer }
        if let audience, !claims.audiences.contains(audience) { throw .wrongAudience }
        // RFC 7519 §4.1.4: the token is accepted only *before* exp.
        guard now < claims.expiresAt + clockSkew else { throw .expired }
        if let notBefore = claims.notBefore, now + clockSkew < notBefore { throw .notYetValid }
        // A token issued in the future comes from a wrong clock or was made to outlive its
        // lifetime check; either way it is not valid yet.
        guard now + clockSkew >= claims.issuedAt else { throw .notYetValid }
        guard claims.expiresAt - claims.issuedAt <= maximumLifetime else { throw .lifetimeTooLong }
    }
}
