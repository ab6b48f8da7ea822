import Foundation
import IASAuth
import IASRuntime

/// Mints HS256 tokens for the local stack (`ias-token`, behind `make token`), the benchmark
/// and the tests. A module of its own, so that no executable of the image links it: the
/// services and `ias-admin` only verify (deploy/checks `image-tools` holds this).
public struct JWTSigner: Sendable {
    public let keys: JWTKeySet

    public init(keys: JWTKeySet) {
        self.keys = keys
    }

    /// Mints an HS256 token with header kid = signing key id.
    ///
    /// Claims: `sub`, `org`, `roles`, `iat` = now, `exp` = now + expiresIn, `nbf` when given,
    /// all times in whole seconds, and `iss`/`aud` when given (for a service that checks
    /// them). A negative `expiresIn` yields an already expired token (useful in tests).
    /// Throws when subject or organisation would never verify.
    public func sign(
        subject: String, organisation: String, roles: [String],
        expiresIn: TimeInterval = 3600, notBefore: Date? = nil, issuer: String? = nil, audience: String? = nil,
        now: Date = Date()
    ) throws -> String {
        guard !subject.isEmpty, subject.utf8.count <= ClaimSet.maximumSubjectLength else {
            throw AuthConfigurationError("a token subject must be 1...\(ClaimSet.maximumSubjectLength) bytes long")
        }
        guard Organisation(organisation) != nil else {
            throw AuthConfigurationError("\"\(organisation.prefix(80))\" is not an organisation of the contract")
        }
        let issuedAt = now.timeIntervalSince1970
        guard issuedAt.isFinite, expiresIn.isFinite else {
            throw AuthConfigurationError("token times must be finite")
        }
        var claims: [String: JSONValue] = [
            "sub": .string(subject),
            "org": .string(organisation),
            "roles": .array(roles.map(JSONValue.string)),
            "iat": .number(issuedAt.rounded(.down)),
            "exp": .number((issuedAt + expiresIn).rounded(.down)),
        ]
        if let notBefore {
            claims["nbf"] = .number(notBefore.timeIntervalSince1970.rounded(.down))
        }
        if let issuer { claims["iss"] = .string(issuer) }
        if let audience { claims["aud"] = .string(audience) }
        let header: [String: JSONValue] = ["alg": .string("HS256"), "typ": .string("JWT"), "kid": .string(keys.signingKeyId)]
        return try sign(header: header, claims: claims, keyId: keys.signingKeyId)
    }

    /// Lower-level: signs arbitrary header/claims JSON objects (tests use it to build hostile tokens).
    ///
    /// The header is used exactly as given (it may name any algorithm or key id); the MAC is
    /// always HS256 under the secret of `keyId`, or of the signing key when nil.
    public func sign(header: [String: JSONValue], claims: [String: JSONValue], keyId: String?) throws -> String {
        let selected = keyId ?? keys.signingKeyId
        guard let secret = keys.secret(forKeyId: selected) else {
            throw AuthConfigurationError("the JWT key set has no key id \"\(selected.prefix(JWTKeySet.maximumKeyIdLength))\"")
        }
        let encodedHeader = Base64URL.encode(try JSONCoding.encode(header))
        let encodedClaims = Base64URL.encode(try JSONCoding.encode(claims))
        return try Self.sign(signingInput: encodedHeader + "." + encodedClaims, secret: secret)
    }

    /// Raw: appends the base64url HS256 signature of `signingInput` (the encoded header and
    /// claims joined by '.') under `secret`, with no check of the secret's length. Exists so
    /// that published test vectors with short secrets can be reproduced byte for byte.
    public static func sign(signingInput: String, secret: [UInt8]) throws -> String {
        guard let mac = HMACSHA256.authenticationCode(for: Array(signingInput.utf8), key: secret) else {
            throw AuthConfigurationError("libcrypto failed to compute HMAC-SHA256")
        }
        return signingInput + "." + Base64URL.encode(mac)
    }
}
