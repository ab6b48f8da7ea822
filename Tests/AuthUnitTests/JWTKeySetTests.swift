import XCTest
import IASAuth
import IASTokenSigning

final class JWTKeySetTests: XCTestCase {
    private let secret = "s3cr3t-value-that-is-long-enough-000000"

    private func message(_ body: () throws -> JWTKeySet) -> String? {
        do {
            _ = try body()
            return nil
        } catch {
            return String(describing: error)
        }
    }

    func testSingleSecretUsesTheDefaultKeyId() throws {
        let keys = try JWTKeySet.parse("  \(secret)\n")
        XCTAssertEqual(keys.signingKeyId, "default")
        XCTAssertEqual(keys.keyIds, ["default"])
        // Surrounding whitespace is not part of the secret.
        let token = try JWTSigner(keys: keys).sign(subject: "s", organisation: "canton:KSD", roles: [], now: AuthFixtures.now)
        let exact = try JWTKeySet(defaultKeyId: "default", secrets: ["default": Array(secret.utf8)])
        _ = try assertAccepted("Bearer " + token, by: AuthFixtures.verifier(exact))
    }

    func testListSignsWithTheFirstEntry() throws {
        let keys = try JWTKeySet.parse("2026-b:\(secret)B, 2026-a : \(secret)A")
        XCTAssertEqual(keys.signingKeyId, "2026-b")
        XCTAssertEqual(keys.keyIds, ["2026-a", "2026-b"])
    }

    func testSecretMayContainAColonInListForm() throws {
        let keys = try JWTKeySet.parse("default:\(secret):with:colons")
        XCTAssertEqual(keys.signingKeyId, "default")
    }

    func testRefusesShortSecretsWithoutEchoingThem() {
        let short = "tooShort!"
        for text in [short, "k1:\(short)", "k1:\(secret),k2:\(short)"] {
            let text = message { try JWTKeySet.parse(text) }
            XCTAssertNotNil(text)
            XCTAssertTrue(text?.contains("at least 32") ?? false, text ?? "")
            XCTAssertFalse(text?.contains(short) ?? true, "the error must not contain the secret")
        }
        XCTAssertNotNil(message { try JWTKeySet(defaultKeyId: "k", secrets: ["k": [UInt8](repeating: 1, count: 31)]) })
        XCTAssertNil(message { try JWTKeySet(defaultKeyId: "k", secrets: ["k": [UInt8](repeating: 1, count: 32)]) })
    }

    func testRefusesUnusableConfiguration() {
        let cases: [(String, String)] = [
            ("", "empty"),
            ("   \n", "empty"),
            ("k1:\(secret),k1:\(secret)", "twice"),
            ("k1:\(secret),\(secret)", "entry 2"),
            ("k1:\(secret),", "entry 2"),
            (":\(secret)", "key id"),
            ("bad kid:\(secret)", "key id"),
            ("a,b", "entry 1"),
        ]
        for (text, expected) in cases {
            let error = message { try JWTKeySet.parse(text) }
            XCTAssertTrue(error?.contains(expected) ?? false, "\(text.debugDescription): \(error ?? "accepted")")
        }
        XCTAssertNotNil(message { try JWTKeySet(defaultKeyId: "missing", secrets: ["k1": Array(secret.utf8)]) })
        XCTAssertNotNil(message { try JWTKeySet(defaultKeyId: "k1", secrets: [:]) })
    }

    func testNeverPrintsSecrets() throws {
        let keys = try JWTKeySet.parse("new:\(secret),old:\(secret)X")
        for text in [String(describing: keys), String(reflecting: keys), "\(keys)"] {
            XCTAssertFalse(text.contains(secret), text)
            XCTAssertTrue(text.contains("new"), text)
        }
        var dumped = ""
        dump(keys, to: &dumped)
        XCTAssertFalse(dumped.contains(secret), dumped)
    }
}
