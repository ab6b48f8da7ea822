/// Where a verifier finds the identity provider's current keys: a fixed set, or a JWKS file
/// that is read again when it changes (`JWKSFile`).
public protocol VerificationKeySource: Sendable {
    /// The keys to check the next token against. Called once per request with an RS256 or
    /// ES256 token, so it must be cheap.
    func currentKeys() -> JSONWebKeySet
}

extension JSONWebKeySet: VerificationKeySource {
    public func currentKeys() -> JSONWebKeySet { self }
}
