import TestSupport
import XCTest
@testable import IASAuth

final class Base64URLTests: XCTestCase {
    /// RFC 4648 §10 vectors, without padding.
    func testEncodesAndDecodesTheRFC4648Vectors() {
        let vectors = ["": "", "f": "Zg", "fo": "Zm8", "foo": "Zm9v", "foob": "Zm9vYg", "fooba": "Zm9vYmE", "foobar": "Zm9vYmFy"]
        for (plain, encoded) in vectors {
            XCTAssertEqual(Base64URL.encode(plain), encoded)
            XCTAssertEqual(Base64URL.decode(encoded), Array(plain.utf8))
        }
    }

    func testUsesTheURLSafeAlphabet() {
        XCTAssertEqual(Base64URL.encode([0xFB, 0xFF, 0xBF]), "-_-_")
        XCTAssertEqual(Base64URL.decode("-_-_"), [0xFB, 0xFF, 0xBF])
    }

    func testRefusesPaddingForeignCharactersAndImpossibleLengths() {
        for text in ["Zg==", "Zm8=", "Zm+v", "Zm/v", " Zg", "Zg ", "Zm9v\n", "Z", "Zm9vY", "Zé", "Zm9v.", "\u{0}"] {
            XCTAssertNil(Base64URL.decode(text), "\(text.debugDescription) should be refused")
        }
    }

    /// "Zh" and "Zg" would both decode to "f" if trailing bits were ignored.
    func testRefusesNonZeroTrailingBits() {
        XCTAssertNil(Base64URL.decode("Zh"))
        XCTAssertNil(Base64URL.decode("Zm9"))
        XCTAssertEqual(Base64URL.decode("Zm8"), Array("fo".utf8))
    }

    func testRoundTripsRandomBytes() {
        var generator = SeededGenerator(seed: 4648)
        for length in 0..<200 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let encoded = Base64URL.encode(bytes)
            XCTAssertFalse(encoded.contains("="))
            XCTAssertEqual(Base64URL.decode(encoded), bytes)
        }
    }
}
