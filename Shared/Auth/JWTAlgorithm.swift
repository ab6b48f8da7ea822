/// The signing algorithms a token may name. Every key verifies exactly one of them: an HS256
/// secret only HS256, an RSA key only RS256, a P-256 key only ES256. The verifier selects the
/// key first and then requires the token's header to name that key's algorithm, so a token
/// can never choose how a key is used (no RSA public key ever serves as an HMAC secret).
public enum JWTAlgorithm: String, Sendable, CaseIterable, CustomStringConvertible {
    case hs256 = "HS256"
    case rs256 = "RS256"
    case es256 = "ES256"

    public var description: String { rawValue }
}
