import XCTest
import IASAuth
import IASTokenSigning
import IASRuntime

final class JWTMalformedTests: XCTestCase {
    private func verifier() throws -> JWTVerifier {
        AuthFixtures.verifier(try AuthFixtures.keys())
    }

    func testMissingHeaderOrToken() throws {
        let verifier = try verifier()
        assertRejected(nil, by: verifier, as: .missing)
        assertRejected("", by: verifier, as: .missing)
        assertRejected("   ", by: verifier, as: .missing)
    }

    func testNotABearerToken() throws {
        let verifier = try verifier()
        for header in ["Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Token abc.def.ghi", "Bearerabc.def.ghi",
                       "Bearer a.b.c d", "abc.def.ghi"] {
            assertRejected(header, by: verifier, as: .malformed)
        }
    }

    func testGarbageAndWrongSegmentCounts() throws {
        let verifier = try verifier()
        let claims = try AuthFixtures.encodedClaims()
        let header = AuthFixtures.segment(#"{"alg":"HS256"}"#)
        for token in ["garbage", "...", "a.b", header + "." + claims, header + "." + claims + ".sig.extra",
                      "." + claims + ".abc", "ünïcödé.ünïcödé.ünïcödé"] {
            assertRejected("Bearer " + token, by: verifier, as: .malformed)
        }
    }

    func testBadBase64() throws {
        let verifier = try verifier()
        let keys = try AuthFixtures.keys()
        let valid = try JWTSigner(keys: keys).sign(subject: "s", organisation: "canton:KSD", roles: [], now: AuthFixtures.now)
        let parts = valid.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        for token in [
            parts[0] + "=." + parts[1] + "." + parts[2],          // padding in the header
            parts[0] + "." + parts[1] + "." + parts[2] + "=",     // padding in the signature
            parts[0].replacingOccurrences(of: "e", with: "+") + "." + parts[1] + "." + parts[2],
            parts[0] + "." + parts[1] + "." + parts[2].replacingOccurrences(of: "_", with: "/") + "/",
            "e30*." + parts[1] + "." + parts[2],
        ] {
            assertRejected("Bearer " + token, by: verifier, as: .malformed)
        }
    }

    func testHeaderThatIsNotAJSONObject() throws {
        let verifier = try verifier()
        let claims = try AuthFixtures.encodedClaims()
        for json in ["not json", "[1,2]", "\"HS256\"", "{\"alg\":\"HS256\"", "", "null"] {
            assertRejected("Bearer " + AuthFixtures.segment(json) + "." + claims + ".AAAA", by: verifier, as: .malformed)
        }
    }

    func testHeaderWithoutUsableAlgOrWithForeignMembers() throws {
        let verifier = try verifier()
        let claims = try AuthFixtures.encodedClaims()
        for json in [#"{}"#, #"{"typ":"JWT"}"#, #"{"alg":256}"#, #"{"alg":null}"#,
                     #"{"alg":"HS256","typ":"JOSE+JSON"}"#, #"{"alg":"HS256","typ":1}"#,
                     #"{"alg":"HS256","kid":7}"#, #"{"alg":"HS256","kid":""}"#,
                     #"{"alg":"HS256","crit":["exp"]}"#, #"{"alg":"HS256","jku":"https://evil.example/keys"}"#] {
            assertRejected("Bearer " + AuthFixtures.segment(json) + "." + claims + ".AAAA", by: verifier, as: .malformed)
        }
    }

    /// A deeply nested header must fail quietly, not exhaust the stack of the parser.
    func testDeeplyNestedHeader() throws {
        let verifier = try verifier()
        let claims = try AuthFixtures.encodedClaims()
        for depth in [100, 2_000] {
            let json = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
            assertRejected("Bearer " + AuthFixtures.segment(json) + "." + claims + ".AAAA", by: verifier, as: .malformed)
        }
    }

    func testHugeTokens() throws {
        let keys = try AuthFixtures.keys()
        let verifier = AuthFixtures.verifier(keys)
        assertRejected("Bearer " + String(repeating: "a", count: 9_000), by: verifier, as: .malformed)
        assertRejected("Bearer " + String(repeating: "a.", count: 1_000_000), by: verifier, as: .malformed)

        // Even a correctly signed token is refused once it is longer than the cap.
        var claims = AuthFixtures.claims()
        claims["padding"] = .string(String(repeating: "x", count: 7_000))
        let signed = try JWTSigner(keys: keys).sign(header: AuthFixtures.header, claims: claims, keyId: nil)
        XCTAssertGreaterThan(signed.utf8.count, JWTVerifier.maximumTokenLength)
        assertRejected("Bearer " + signed, by: verifier, as: .malformed)

        claims["padding"] = .string(String(repeating: "x", count: 5_000))
        let fits = try JWTSigner(keys: keys).sign(header: AuthFixtures.header, claims: claims, keyId: nil)
        XCTAssertLessThan(fits.utf8.count, JWTVerifier.maximumTokenLength)
        _ = try assertAccepted("Bearer " + fits, by: verifier)
    }

    /// A payload that is not JSON is caught even when it carries a genuine signature.
    func testSignedPayloadThatIsNotAJSONObject() throws {
        let verifier = try verifier()
        let header = AuthFixtures.segment(#"{"alg":"HS256","typ":"JWT"}"#)
        for payload in ["garbage", "[]", "42", ""] {
            let token = try JWTSigner.sign(
                signingInput: header + "." + AuthFixtures.segment(payload), secret: AuthFixtures.primarySecret)
            assertRejected("Bearer " + token, by: verifier, as: .malformed)
        }
    }
}
