import IASAuth
import TestSupport
import XCTest

/// RS256 and ES256 tokens signed by PyJWT (and hostile ones made with cryptography and hmac)
/// against keys from a JWKS document written by PyJWT: which key a token selects, and that the
/// key, never the token, decides the algorithm.
final class PublicKeySignatureTests: XCTestCase {
    private typealias IdP = TestIdentityProvider
    private var fixture: IdentityProviderFixture!

    override func setUpWithError() throws {
        fixture = try IdentityProviderFixture.shared()
    }

    private var claims: [String: Any] { IdentityProviderFixture.claims() }

    func testValidRS256TokenVerifiesIntoAPrincipal() throws {
        let token = try fixture.token(IdP.signed("rsa-a", "RS256", header: ["kid": "rsa-1"], claims: claims))
        let principal = try assertAccepted(token, by: try fixture.verifier())
        XCTAssertEqual(principal, Principal(
            subject: "5f0c4a1e-0b7e-4e55-9a53-1d1c2f6e7a10", organisation: "canton:KSD", roles: ["caseworker"],
            expiresAt: AuthFixtures.now.addingTimeInterval(300)))
    }

    func testValidES256TokenVerifiesIntoAPrincipal() throws {
        let token = try fixture.token(IdP.signed("ec-a", "ES256", header: ["kid": "ec-1"],
                                                 claims: IdentityProviderFixture.claims(["roles": ["auditor", "approver"]])))
        let principal = try assertAccepted(token, by: try fixture.verifier())
        XCTAssertEqual(principal.roles, ["auditor", "approver"])
    }

    /// Another key under a published kid: the signature does not match the selected key.
    func testAnotherKeyUnderThePublishedKidIsABadSignature() throws {
        let tokens = try fixture.tokens([
            IdP.signed("rsa-b", "RS256", header: ["kid": "rsa-1"], claims: claims),
            IdP.signed("ec-b", "ES256", header: ["kid": "ec-1"], claims: claims),
        ])
        let verifier = try fixture.verifier()
        for token in tokens { assertRejected(token, by: verifier, as: .badSignature) }
    }

    /// An unknown kid reads, to the client, exactly like a bad signature.
    func testUnknownKidIsRefused() throws {
        let verifier = try fixture.verifier()
        let tokens = try fixture.tokens([
            IdP.signed("rsa-b", "RS256", header: ["kid": "rsa-2"], claims: claims),
            IdP.signed("rsa-a", "RS256", header: ["kid": "RSA-1"], claims: claims),
            IdP.signed("ec-a", "ES256", header: ["kid": "ec-1 "], claims: claims),
        ])
        for token in tokens { assertRejected(token, by: verifier, as: .unknownKey) }
        XCTAssertEqual(AuthenticationError.unknownKey.description, AuthenticationError.badSignature.description)
    }

    /// Without kid a token is accepted only when the set holds exactly one key.
    func testTokenWithoutKidNeedsASetOfOneKey() throws {
        let tokens = try fixture.tokens([
            IdP.signed("rsa-a", "RS256", claims: claims),
            IdP.signed("ec-a", "ES256", claims: claims),
        ])
        let both = try fixture.verifier()
        for token in tokens { assertRejected(token, by: both, as: .unknownKey) }
        let single = fixture.provider.path("single.jwks.json")
        _ = try fixture.provider.run(keys: IdentityProviderFixture.keyKinds, jwks: [["path": single, "keys": [IdP.jwk("rsa-a", ["kid": "rsa-1"])]]])
        let one = try fixture.verifier(keys: try fixture.keySet(at: single))
        _ = try assertAccepted(tokens[0], by: one)
        assertRejected(tokens[1], by: one, as: .unsupportedAlgorithm)
    }

    /// Algorithm confusion: an HS256 token whose MAC key is the provider's RSA public key (as
    /// PEM or as JWK JSON). Without HS256 secrets (production) the algorithm is refused; with
    /// them (development) the kid finds no secret, and without kid the secret does not match.
    func testHS256WithThePublicKeyAsSecretIsRefused() throws {
        let header: [String: Any] = ["alg": "HS256", "typ": "JWT", "kid": "rsa-1"]
        var noKid = header
        noKid["kid"] = nil
        let tokens = try fixture.tokens([
            IdP.hmacWithPublicKey(of: "rsa-a", pem: true, header: header, claims: claims),
            IdP.hmacWithPublicKey(of: "rsa-a", pem: false, header: header, claims: claims),
            IdP.hmacWithPublicKey(of: "rsa-a", pem: true, header: noKid, claims: claims),
            IdP.hmacWithPublicKey(of: "rsa-a", pem: false, header: noKid, claims: claims),
        ])
        let production = try fixture.verifier()
        for token in tokens { assertRejected(token, by: production, as: .unsupportedAlgorithm) }
        let development = try fixture.verifier(secrets: try AuthFixtures.keys())
        assertRejected(tokens[0], by: development, as: .unknownKey)
        assertRejected(tokens[1], by: development, as: .unknownKey)
        assertRejected(tokens[2], by: development, as: .badSignature)
        assertRejected(tokens[3], by: development, as: .badSignature)
    }

    func testAlgNoneIsRefused() throws {
        let tokens = try fixture.tokens([
            IdP.unsigned(header: ["alg": "none", "typ": "JWT", "kid": "rsa-1"], claims: claims),
            IdP.unsigned(header: ["alg": "none"], claims: claims),
            IdP.unsigned(header: ["alg": "None", "kid": "ec-1"], claims: claims),
        ])
        for verifier in [try fixture.verifier(), try fixture.verifier(secrets: try AuthFixtures.keys())] {
            for token in tokens { assertRejected(token, by: verifier, as: .unsupportedAlgorithm) }
        }
    }

    /// The header must name the selected key's algorithm: ES256 on the RSA key, RS256 on the
    /// EC key, and algorithms no key has, are refused whatever the signature.
    func testHeaderMustNameTheKeysAlgorithm() throws {
        let tokens = try fixture.tokens([
            IdP.raw("ec-a", header: ["alg": "ES256", "typ": "JWT", "kid": "rsa-1"], claims: claims),
            IdP.raw("rsa-a", header: ["alg": "ES256", "typ": "JWT", "kid": "rsa-1"], claims: claims),
            IdP.raw("rsa-a", header: ["alg": "RS256", "typ": "JWT", "kid": "ec-1"], claims: claims),
            IdP.signed("rsa-a", "PS256", header: ["kid": "rsa-1"], claims: claims),
            IdP.signed("rsa-a", "RS512", header: ["kid": "rsa-1"], claims: claims),
            // PyJWT refuses ES384 with a P-256 key: the header written by hand.
            IdP.raw("ec-a", header: ["alg": "ES384", "typ": "JWT", "kid": "ec-1"], claims: claims),
        ])
        let verifier = try fixture.verifier()
        for (index, token) in tokens.enumerated() {
            switch verifier.verify(authorizationHeader: token) {
            case .success: XCTFail("token \(index) verified")
            case .failure(let error): XCTAssertEqual(error, .unsupportedAlgorithm, "token \(index)")
            }
        }
        // The same header written by hand, signed correctly: accepted, so the refusals above
        // are about the algorithm and nothing else.
        let fair = try fixture.token(IdP.raw("rsa-a", header: ["alg": "RS256", "typ": "JWT", "kid": "rsa-1"], claims: claims))
        _ = try assertAccepted(fair, by: verifier)
    }

    /// JOSE ES256 signatures are r||s of 64 bytes: DER, or any other length, is refused.
    func testES256SignatureMustBeRawRAndS() throws {
        let header: [String: Any] = ["alg": "ES256", "typ": "JWT", "kid": "ec-1"]
        let tokens = try fixture.tokens([
            IdP.raw("ec-a", header: header, claims: claims),
            IdP.raw("ec-a", header: header, claims: claims, der: true),
        ])
        let verifier = try fixture.verifier()
        _ = try assertAccepted(tokens[0], by: verifier)
        assertRejected(tokens[1], by: verifier, as: .badSignature)
        let signature = try XCTUnwrap(Base64URL.decode(String(tokens[0].split(separator: ".")[2])))
        let input = tokens[0][..<tokens[0].lastIndex(of: ".")!]
        for altered in [Array(signature.dropLast()), signature + [0], [0] + signature, Array(signature.prefix(32)), []] {
            assertRejected(input + "." + Base64URL.encode(altered), by: verifier, as: .badSignature)
        }
        // r and s swapped, or one of them zero: well-formed, wrong.
        let swapped = Array(signature[32...] + signature[..<32])
        let zeroS = Array(signature[..<32]) + [UInt8](repeating: 0, count: 32)
        for altered in [swapped, zeroS] {
            assertRejected(input + "." + Base64URL.encode(altered), by: verifier, as: .badSignature)
        }
    }

    func testAlteredClaimsOrSignatureAreRefused() throws {
        let verifier = try fixture.verifier()
        for token in try fixture.tokens([
            IdP.signed("rsa-a", "RS256", header: ["kid": "rsa-1"], claims: claims),
            IdP.signed("ec-a", "ES256", header: ["kid": "ec-1"], claims: claims),
        ]) {
            let parts = token.dropFirst("Bearer ".count).split(separator: ".").map(String.init)
            let elevated = Base64URL.encode(try JSONSerialization.data(
                withJSONObject: IdentityProviderFixture.claims(["roles": ["admin"]]), options: [.sortedKeys]))
            assertRejected("Bearer \(parts[0]).\(elevated).\(parts[2])", by: verifier, as: .badSignature)
            var signature = try XCTUnwrap(Base64URL.decode(parts[2]))
            signature[signature.count / 2] ^= 0x01
            assertRejected("Bearer \(parts[0]).\(parts[1]).\(Base64URL.encode(signature))", by: verifier, as: .badSignature)
        }
    }

    /// Only HS256 secrets configured (the local stack): RS256 and ES256 tokens are refused by
    /// algorithm, without looking for a key.
    func testWithoutPublicKeysRS256AndES256AreRefused() throws {
        let verifier = AuthFixtures.verifier(try AuthFixtures.keys())
        for token in try fixture.tokens([
            IdP.signed("rsa-a", "RS256", header: ["kid": "rsa-1"], claims: claims),
            IdP.signed("ec-a", "ES256", header: ["kid": "ec-1"], claims: claims),
        ]) {
            assertRejected(token, by: verifier, as: .unsupportedAlgorithm)
        }
    }

    /// An HS256 token minted by PyJWT with the configured secret verifies beside the public
    /// keys (development: both kinds at once).
    func testHS256AndPublicKeysSideBySide() throws {
        let secret = String(decoding: AuthFixtures.primarySecret, as: UTF8.self)
        let tokens = try fixture.tokens([
            IdP.hmac(secret: secret, header: ["alg": "HS256", "typ": "JWT", "kid": "k1"], claims: claims),
            IdP.signed("rsa-a", "RS256", header: ["kid": "rsa-1"], claims: claims),
        ])
        let verifier = try fixture.verifier(secrets: try AuthFixtures.keys())
        for token in tokens { _ = try assertAccepted(token, by: verifier) }
    }

    func testVerifiesConcurrently() throws {
        let verifier = try fixture.verifier()
        let tokens = try fixture.tokens([
            IdP.signed("rsa-a", "RS256", header: ["kid": "rsa-1"], claims: claims),
            IdP.signed("ec-a", "ES256", header: ["kid": "ec-1"], claims: claims),
        ])
        DispatchQueue.concurrentPerform(iterations: 200) { index in
            if case .failure(let error) = verifier.verify(authorizationHeader: tokens[index % 2]) {
                XCTFail("concurrent verification failed with \(error)")
            }
        }
    }
}
