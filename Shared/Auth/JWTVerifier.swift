import Foundation
import IASRuntime

/// Checks the bearer token of a request and turns it into a `Principal`.
///
/// Order of checks: header form and algorithm, key, signature, and only then the claims, so
/// that nothing an attacker controls beyond a small header is parsed before it is
/// authenticated.
public struct JWTVerifier: Sendable {
    /// Longest token accepted, in bytes.
    public static let maximumTokenLength = 8 * 1024
    /// Longest decoded header accepted; a genuine one is well under 100 bytes.
    static let maximumHeaderLength = 512
    private static let allowedHeaderMembers: Set<String> = ["alg", "typ", "kid"]

    public let keys: JWTKeySet
    public let clockSkew: TimeInterval
    private let now: @Sendable () -> Date

    /// `clockSkew` is the tolerance applied to `exp` and `nbf`; a negative value counts as 0.
    public init(keys: JWTKeySet, clockSkew: TimeInterval = 60, now: @escaping @Sendable () -> Date = Date.init) {
        self.keys = keys
        self.clockSkew = clockSkew.isFinite ? max(0, clockSkew) : 0
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

        let secret = try secret(forHeader: segments[0])

        guard let signature = Base64URL.decode(segments[2]) else { throw .malformed }
        let signingInput = Array(token[..<segments[1].endIndex])
        guard let expected = HMACSHA256.authenticationCode(for: signingInput, key: secret),
              HMACSHA256.constantTimeEqual(signature, expected) else { throw .badSignature }

        guard let payload = Base64URL.decode(segments[1]), let claims = Self.jsonObject(payload) else {
            throw .malformed
        }
        let claimSet = try ClaimSet(claims)
        let current = now().timeIntervalSince1970
        // RFC 7519 §4.1.4: the token is accepted only *before* exp.
        guard current < claimSet.expiresAt + clockSkew else { throw .expired }
        if let notBefore = claimSet.notBefore, current + clockSkew < notBefore { throw .notYetValid }
        return Principal(
            subject: claimSet.subject, organisation: claimSet.organisation, roles: claimSet.roles,
            expiresAt: Date(timeIntervalSince1970: claimSet.expiresAt))
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

    /// Validates the protected header and returns the secret it selects.
    private func secret(forHeader segment: ArraySlice<UInt8>) throws(AuthenticationError) -> [UInt8] {
        guard segment.count <= (Self.maximumHeaderLength * 4 + 2) / 3,
              let bytes = Base64URL.decode(segment),
              let header = Self.jsonObject(bytes) else { throw .malformed }
        guard case .string(let algorithm)? = header["alg"] else { throw .malformed }
        // Only HS256: "none", other HMACs and public-key algorithms are refused outright, so a
        // shared secret can never be misused as a public key (algorithm confusion).
        guard algorithm == "HS256" else { throw .unsupportedAlgorithm }
        // Anything else in the header ("crit", "jku", "jwk", ...) would ask for behaviour
        // this verifier does not have.
        guard header.keys.allSatisfy(Self.allowedHeaderMembers.contains) else { throw .malformed }
        if let type = header["typ"] {
            guard case .string(let text) = type, text.uppercased() == "JWT" else { throw .malformed }
        }
        guard let keyIdValue = header["kid"] else {
            guard let secret = keys.secret(forKeyId: keys.signingKeyId) else { throw .unknownKey }
            return secret
        }
        guard case .string(let keyId) = keyIdValue, !keyId.isEmpty else { throw .malformed }
        guard let secret = keys.secret(forKeyId: keyId) else { throw .unknownKey }
        return secret
    }

    private static func jsonObject(_ bytes: [UInt8]) -> [String: JSONValue]? {
        try? JSONCoding.decoder.decode([String: JSONValue].self, from: Data(bytes))
    }
}
