import Foundation
import IASAuth
import TestSupport
import XCTest

/// The keys of an identity provider made by PyJWT and cryptography (not by this code), shared
/// by the test classes of RS256/ES256 verification: RSA-2048 keys take a moment to make, so
/// they are made once per run.
final class IdentityProviderFixture: @unchecked Sendable {
    static let issuer = "https://idp.example.ch/realms/ias"
    static let audience = "ias-platform"
    static let now = AuthFixtures.now.timeIntervalSince1970

    /// The provider's keys: `rsa-a` and `ec-a` are published (kids `rsa-1`, `ec-1`), `rsa-b`
    /// and `ec-b` are keys of someone else.
    static let keyKinds = ["rsa-a": "RSA", "rsa-b": "RSA", "ec-a": "EC", "ec-b": "EC"]
    static var published: [[String: Any]] { [
        TestIdentityProvider.jwk("rsa-a", ["kid": "rsa-1", "use": "sig", "alg": "RS256"]),
        TestIdentityProvider.jwk("ec-a", ["kid": "ec-1", "use": "sig"]),
    ] }

    let provider: TestIdentityProvider
    /// The JWKS document with the published keys.
    let jwksPath: String

    private static let made = Result { try IdentityProviderFixture() }

    static func shared() throws -> IdentityProviderFixture { try made.get() }

    private init() throws {
        provider = try TestIdentityProvider(name: "auth-unit")
        jwksPath = provider.path("jwks.json")
        _ = try provider.run(keys: Self.keyKinds, jwks: [["path": jwksPath, "keys": Self.published]])
    }

    func keySet(at path: String? = nil) throws -> JSONWebKeySet {
        try JSONWebKeySet.parse(Array(try Data(contentsOf: URL(fileURLWithPath: path ?? jwksPath))))
    }

    /// The rules of a canton's provider: issuer and audience checked, default claim names.
    static let policy = TokenPolicy(issuer: issuer, audience: audience)

    func verifier(policy: TokenPolicy = IdentityProviderFixture.policy, secrets: JWTKeySet? = nil,
                  keys: (any VerificationKeySource)? = nil) throws -> JWTVerifier {
        try JWTVerifier(secrets: secrets, publicKeys: keys ?? (try keySet()), policy: policy, now: { AuthFixtures.now })
    }

    /// Valid claims for `AuthFixtures.now` (five minutes to live); tests change members.
    static func claims(_ changes: [String: Any?] = [:]) -> [String: Any] {
        var claims: [String: Any] = [
            "sub": "5f0c4a1e-0b7e-4e55-9a53-1d1c2f6e7a10", "org": "canton:KSD", "roles": ["caseworker"],
            "iat": Int(now), "exp": Int(now) + 300, "iss": issuer, "aud": audience,
        ]
        for (name, value) in changes { claims[name] = value }
        return claims
    }

    /// Signs every request entry (see `TestIdentityProvider`), in order.
    func tokens(_ entries: [[String: Any]]) throws -> [String] {
        try provider.run(keys: Self.keyKinds, tokens: entries).tokens.map { "Bearer " + $0 }
    }

    func token(_ entry: [String: Any]) throws -> String {
        try tokens([entry])[0]
    }
}
