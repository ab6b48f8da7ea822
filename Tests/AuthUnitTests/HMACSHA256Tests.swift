import XCTest
import IASAuth
import IASTokenSigning

/// Known answers, so that the libcrypto binding and the token layout are checked against
/// published values rather than against themselves.
final class HMACSHA256Tests: XCTestCase {
    private func hex(_ bytes: [UInt8]?) -> String? {
        bytes.map { $0.map { String(format: "%02x", $0) }.joined() }
    }

    /// RFC 4231 test cases 1, 2 and 6 (short key, text key, key longer than a block).
    func testMatchesRFC4231() {
        XCTAssertEqual(
            hex(HMACSHA256.authenticationCode(for: Array("Hi There".utf8), key: [UInt8](repeating: 0x0B, count: 20))),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
        XCTAssertEqual(
            hex(HMACSHA256.authenticationCode(for: Array("what do ya want for nothing?".utf8), key: Array("Jefe".utf8))),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        XCTAssertEqual(
            hex(HMACSHA256.authenticationCode(
                for: Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8),
                key: [UInt8](repeating: 0xAA, count: 131))),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
    }

    func testHandlesEmptyKeyAndMessage() {
        // HMAC-SHA256("", "") — a widely published value.
        XCTAssertEqual(
            hex(HMACSHA256.authenticationCode(for: [], key: [])),
            "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad")
    }

    /// The example token of jwt.io, signed with the secret "your-256-bit-secret".
    func testReproducesTheJWTIOExampleToken() throws {
        let token = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"
            + ".eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ"
            + ".SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
        let signingInput = String(token[..<token.lastIndex(of: ".")!])
        XCTAssertEqual(try JWTSigner.sign(signingInput: signingInput, secret: Array("your-256-bit-secret".utf8)), token)
    }

    /// RFC 7515 Appendix A.1: the HS256 example with its JWK key.
    func testReproducesTheRFC7515Example() throws {
        let key = try XCTUnwrap(Base64URL.decode(
            "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"))
        let signingInput = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9"
            + ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
        let token = signingInput + ".dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
        XCTAssertEqual(try JWTSigner.sign(signingInput: signingInput, secret: key), token)

        // The verifier accepts its signature and only then finds that the contract's claims
        // (sub, org, roles) are absent; under another key the signature itself fails.
        let keys = try JWTKeySet(defaultKeyId: "rfc", secrets: ["rfc": key])
        let before = Date(timeIntervalSince1970: 1_300_819_000)
        assertRejected("Bearer " + token, by: AuthFixtures.verifier(keys, at: before), as: .invalidClaims)
        assertRejected("Bearer " + token, by: AuthFixtures.verifier(try AuthFixtures.keys(), at: before), as: .badSignature)
    }

    func testComparesInConstantTimeHelper() {
        XCTAssertTrue(HMACSHA256.constantTimeEqual([1, 2, 3], [1, 2, 3]))
        XCTAssertFalse(HMACSHA256.constantTimeEqual([1, 2, 3], [1, 2, 4]))
        XCTAssertFalse(HMACSHA256.constantTimeEqual([1, 2, 3], [1, 2]))
        XCTAssertTrue(HMACSHA256.constantTimeEqual([], []))
    }
}
