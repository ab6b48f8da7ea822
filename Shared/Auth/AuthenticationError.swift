/// Why a request's bearer token was refused. Every case maps to 401; the case itself is for
/// logs and metrics, `description` is safe to send to the client.
public enum AuthenticationError: Error, Equatable, CustomStringConvertible {
    /// No Authorization header, or an empty one.
    case missing
    /// Not a bearer token, not three base64url segments, not JSON, or too long.
    case malformed
    /// The header names an algorithm this service does not accept ("none", HS384, HS256 where
    /// no secret is configured, ...) or one other than the selected key's.
    case unsupportedAlgorithm
    /// The signature does not match the token under the selected key.
    case badSignature
    /// The header names a key id that is not (or no longer) accepted, or names none where
    /// that does not select exactly one key.
    case unknownKey
    /// `exp` lies in the past, beyond the allowed clock skew.
    case expired
    /// `nbf` or `iat` lies in the future, beyond the allowed clock skew.
    case notYetValid
    /// A required claim is missing or has the wrong type or form.
    case invalidClaims
    /// `iss` is not the configured issuer.
    case wrongIssuer
    /// `aud` does not name the configured audience.
    case wrongAudience
    /// `exp - iat` is longer than the longest lifetime accepted.
    case lifetimeTooLong

    /// A short public reason for the 401 detail. A bad signature and an unknown key read the
    /// same, so that clients learn nothing about which key ids exist.
    public var description: String {
        switch self {
        case .missing: return "no bearer token was sent"
        case .malformed: return "the token is malformed"
        case .unsupportedAlgorithm: return "the token's signing algorithm is not accepted"
        case .badSignature, .unknownKey: return "the token's signature is not valid"
        case .expired: return "the token is expired"
        case .notYetValid: return "the token is not yet valid"
        case .invalidClaims: return "the token's claims are missing or invalid"
        // Issuer and audience read the same and name neither expected value.
        case .wrongIssuer, .wrongAudience: return "the token was not issued for this service"
        case .lifetimeTooLong: return "the token's lifetime is longer than accepted"
        }
    }
}
