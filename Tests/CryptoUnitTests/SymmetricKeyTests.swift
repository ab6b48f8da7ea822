import IASCrypto
import XCTest

final class SymmetricKeyTests: XCTestCase {
    func testKeepsItsBytesAndComparesByThem() throws {
        let material = (0..<32).map { UInt8($0) }
        let key = try SymmetricKey(bytes: material)
        XCTAssertEqual(key.withUnsafeBytes { Array($0) }, material)
        XCTAssertEqual(key, try SymmetricKey(bytes: material))
        XCTAssertNotEqual(key, try SymmetricKey(bytes: material.reversed()))
    }

    func testGeneratedKeysDiffer() {
        let first = SymmetricKey.generate(), second = SymmetricKey.generate()
        XCTAssertNotEqual(first, second)
        XCTAssertNotEqual(first.withUnsafeBytes { Array($0) }, [UInt8](repeating: 0, count: 32))
    }

    func testPrintsNoKeyMaterial() throws {
        let key = try SymmetricKey(bytes: [UInt8](repeating: 0xAB, count: 32))
        var dumped = ""
        dump(key, to: &dumped)
        for text in ["\(key)", String(reflecting: key), dumped, "\([key])"] {
            XCTAssertFalse(text.lowercased().contains("ab, ") || text.lowercased().contains("abab") || text.contains("171"), text)
            XCTAssertFalse(text.contains("q6urq6"), "no base64 of the key: \(text)")
        }
        XCTAssertTrue("\(key)".contains("redacted"))
    }

    func testSecureRandomGivesTheCountAskedFor() {
        XCTAssertEqual(SecureRandom.bytes(0), [])
        let sample = SecureRandom.bytes(4096)
        XCTAssertEqual(sample.count, 4096)
        // 4096 random bytes take (almost surely) more than 200 distinct values.
        XCTAssertGreaterThan(Set(sample).count, 200)
        XCTAssertNotEqual(SecureRandom.bytes(16), SecureRandom.bytes(16))
    }
}
