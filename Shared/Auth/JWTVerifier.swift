import Foundation
import IASRuntime

/// Checks the bearer token of a request and turns it into a `Principal`.
///
/// Order of checks: header form and algorithm, key, signature, and only then the claims, so
/// that nothing an attacker controls beyond a small header is parsed before it is
/// authenticated.
///
/// Keys: HS256 secrets (`JWTKeySet`, the local stack and tests) and the public keys of an
/// identity provider (`VerificationKeySource`, RS256 and ES256), either or both. The header's
/// `alg` says which kind of key to look for; the key found then fixes the algorithm, and the
/// header must name exactly that one. An RS256/ES256 key is never used as an HMAC secret and
/// a secret never as a public key.
public struct JWTVerifier: Sendable {
    /// Longest token accepted, in bytes.
    public static let maximumTokenLength = 8 * 1024

    /// The HS256 secrets, if HS256 tokens are accepted.
    public let secrets: JWTKeySet?
    /// The identity provider's keys, if RS256/ES256 tokens are accepted.
    public let publicKeys: (any VerificationKeySource)?
    public let policy: TokenPolicy
    private let now: @Sendable () -> Date

    /// HS256 only, with the default claim rules (`org`, `roles`, at most 12 hours between
    /// `iat` and `exp`). `clockSkew` is the tolerance applied to `exp`, `nbf` and `iat`; a
    /// negative value counts as 0.
    public init(keys: JWTKeySet, clockSkew: TimeInterval = 60, now: @escaping @Sendable () -> Date = Date.init) {
        self.secrets = keys
        self.publicKeys = nil
        self.policy = TokenPolicy(clockSkew: clockSkew)
        self.now = now
    }

    /// Throws when neither secrets nor public keys are given: such a verifier would refuse
    /// every token.
    public init(secrets: JWTKeySet?, publicKeys: (any VerificationKeySource)?, policy: TokenPolicy,
                now: @escaping @Sendable () -> Date = Date.init) throws(AuthConfigurationError) {
        guard secrets != nil || publicKeys != nil else {
            throw AuthConfigurationError("no key to verify tokens with: neither HS256 secrets nor a JWKS")
        }
        self.secrets = secrets
        self.publicKeys = publicKeys
        self.policy = policy
        self.now = now
    }

    /// Verifies "Bearer <token>" from an Authorization header value (nil -> .missing).
    public func verify(authorizationHeader: String?) -> Result<Principal, AuthenticationError> {
        Result { () throws(AuthenticationError) -> Principal in
            try principal(authorizationHeader: authorizationHeader)
        }
    }

    private func principal(authorizationHeader: String?) throws(AuthenticationError) -> Principal {
        let token = try Self.bearerToken(authorizationHeader)
        let segments = token.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard segments.count == 3 else { throw .malformed }

        let header = try JWTHeader(segments[0])
        let check = try signatureCheck(for: header)

        guard let signature = Base64URL.decode(segments[2]) else { throw .malformed }
        let signingInput = Array(token[..<segments[1].endIndex])
        guard check(signature, signingInput) else { throw .badSignature }

        guard let payload = Base64URL.decode(segments[1]), let claims = JWTHeader.jsonObject(payload) else {
            throw .malformed
        }
        let claimSet = try ClaimSet(claims, policy: policy)
        try policy.check(claimSet, now: now().timeIntervalSince1970)
        return Principal(
            subject: claimSet.subject, organisation: claimSet.organisation, roles: claimSet.roles,
            expiresAt: Date(timeIntervalSince1970: claimSet.expiresAt))
    }

    /// The key the header selects, as a check of (signature, signing input).
    private func signatureCheck(for header: JWTHeader) throws(AuthenticationError) -> ([UInt8], [UInt8]) -> Bool {
        switch header.algorithm {
        case .hs256:
            guard let secrets else { throw .unsupportedAlgorithm }
            // Without kid: the signing (first) secret only, never every secret in turn.
            guard let secret = secrets.secret(forKeyId: header.keyId ?? secrets.signingKeyId) else { throw .unknownKey }
            return { signature, input in
                guard let expected = HMACSHA256.authenticationCode(for: input, key: secret) else { return false }
                return HMACSHA256.constantTimeEqual(signature, expected)
            }
        case .rs256, .es256:
            guard let publicKeys else { throw .unsupportedAlgorithm }
            guard let key = publicKeys.currentKeys().key(forKeyId: header.keyId) else { throw .unknownKey }
            // The key's algorithm, not the header's, decides how the signature is checked.
            guard key.algorithm == header.algorithm else { throw .unsupportedAlgorithm }
            return { signature, input in key.verify(signature: signature, message: input) }
        }
    }

    // MARK: Header

    /// The token bytes after "Bearer " (scheme case-insensitive, RFC 9110 §11.1).
    static func bearerToken(_ header: String?) throws(AuthenticationError) -> [UInt8] {
        guard let header else { throw .missing }
        // Cap before copying, so a huge header costs no more than this check.
        guard header.utf8.count <= maximumTokenLength + 64 else { throw .malformed }
        let bytes = Array(header.utf8)
        let isBlank: (UInt8) -> Bool = { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
        guard let start = bytes.firstIndex(where: { !isBlank($0) }),
              let last = bytes.lastIndex(where: { !isBlank($0) }) else { throw .missing }
        let value = bytes[start...last]
        guard let space = value.firstIndex(where: isBlank) else { throw .malformed }
        let scheme = value[..<space].map { $0 | 0x20 }  // ASCII lower case; non-letters never match anyway
        guard scheme == Array("bearer".utf8), let tokenStart = value[space...].firstIndex(where: { !isBlank($0) }) else {
            throw .malformed
        }
        let token = value[tokenStart...]
        guard token.count <= maximumTokenLength, !token.contains(where: isBlank) else { throw .malformed }
        return Array(token)
    }
}
