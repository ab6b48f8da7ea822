import XCTest
import IASAuth
import IASTokenSigning
import IASRuntime

final class JWTSignatureTests: XCTestCase {
    func testWrongSecretIsABadSignature() throws {
        let keys = try AuthFixtures.keys()
        let forged = try JWTSigner(keys: try AuthFixtures.keys(secret: AuthFixtures.otherSecret))
            .sign(subject: "s", organisation: "canton:KSD", roles: ["admin"], now: AuthFixtures.now)
        assertRejected("Bearer " + forged, by: AuthFixtures.verifier(keys), as: .badSignature)
    }

    func testAlteredTruncatedOrMissingSignature() throws {
        let keys = try AuthFixtures.keys()
        let verifier = AuthFixtures.verifier(keys)
        let token = try JWTSigner(keys: keys).sign(subject: "s", organisation: "canton:KSD", roles: [], now: AuthFixtures.now)
        let signingInput = String(token[..<token.lastIndex(of: ".")!])
        let signature = String(token[token.index(after: token.lastIndex(of: ".")!)...])

        var flipped = Array(signature)
        flipped[0] = flipped[0] == "A" ? "B" : "A"
        assertRejected("Bearer " + signingInput + "." + String(flipped), by: verifier, as: .badSignature)
        assertRejected("Bearer " + signingInput + "." + signature.dropLast(3), by: verifier, as: .badSignature)
        assertRejected("Bearer " + signingInput + "." + signature + "AAAA", by: verifier, as: .badSignature)
        assertRejected("Bearer " + signingInput + ".", by: verifier, as: .badSignature)
    }

    /// Claims altered after signing: the signature no longer matches.
    func testAlteredClaims() throws {
        let keys = try AuthFixtures.keys()
        let token = try JWTSigner(keys: keys).sign(header: AuthFixtures.header, claims: AuthFixtures.claims(), keyId: nil)
        let parts = token.split(separator: ".").map(String.init)
        let elevated = try AuthFixtures.encodedClaims(AuthFixtures.claims(roles: ["admin"]))
        assertRejected("Bearer " + parts[0] + "." + elevated + "." + parts[2], by: AuthFixtures.verifier(keys), as: .badSignature)
    }

    func testAlgNoneIsRefusedWithAndWithoutSignature() throws {
        let keys = try AuthFixtures.keys()
        let verifier = AuthFixtures.verifier(keys)
        let claims = try AuthFixtures.encodedClaims(AuthFixtures.claims(roles: ["admin"]))
        for alg in ["none", "None", "NONE", ""] {
            let header = AuthFixtures.segment(#"{"alg":"\#(alg)","typ":"JWT"}"#)
            assertRejected("Bearer " + header + "." + claims + ".", by: verifier, as: .unsupportedAlgorithm)
            let signed = try JWTSigner(keys: keys).sign(
                header: ["alg": .string(alg), "typ": .string("JWT")], claims: AuthFixtures.claims(), keyId: nil)
            assertRejected("Bearer " + signed, by: verifier, as: .unsupportedAlgorithm)
        }
    }

    func testOtherAlgorithmsAreRefused() throws {
        let keys = try AuthFixtures.keys()
        let verifier = AuthFixtures.verifier(keys)
        for alg in ["HS384", "HS512", "RS256", "ES256", "PS256", "EdDSA", "hs256", "HS256 "] {
            let token = try JWTSigner(keys: keys).sign(
                header: ["alg": .string(alg), "typ": .string("JWT"), "kid": .string("k1")],
                claims: AuthFixtures.claims(), keyId: nil)
            assertRejected("Bearer " + token, by: verifier, as: .unsupportedAlgorithm)
        }
    }

    func testPublicReasonsSayNothingAboutKeys() {
        XCTAssertEqual(AuthenticationError.expired.description, "the token is expired")
        XCTAssertEqual(AuthenticationError.unknownKey.description, AuthenticationError.badSignature.description)
        let all: [AuthenticationError] = [.missing, .malformed, .unsupportedAlgorithm, .badSignature, .unknownKey,
                                          .expired, .notYetValid, .invalidClaims]
        for error in all {
            XCTAssertFalse(error.description.isEmpty)
            XCTAssertFalse(error.description.lowercased().contains("kid"))
        }
    }
}
