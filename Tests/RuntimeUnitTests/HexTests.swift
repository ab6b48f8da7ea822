import Foundation
import IASRuntime
import XCTest

final class HexTests: XCTestCase {
    func testEveryByteIsWrittenAsTwoDigitsInEitherCaseAndReadsBack() {
        for byte in UInt8.min...UInt8.max {
            var lower: [UInt8] = [], upper: [UInt8] = []
            HexDigit.append(byte, to: &lower)
            HexDigit.append(byte, to: &upper, uppercase: true)
            XCTAssertEqual(String(decoding: lower, as: UTF8.self), String(format: "%02x", byte))
            XCTAssertEqual(String(decoding: upper, as: UTF8.self), String(format: "%02X", byte))
            XCTAssertEqual(HexDigit.value(lower[0])! << 4 | HexDigit.value(lower[1])!, byte)
        }
    }

    func testDigitsAreAppendedToWhatIsThere() {
        var out = Array("\\x".utf8)
        for byte: UInt8 in [0x00, 0x7F, 0xA5] { HexDigit.append(byte, to: &out) }
        XCTAssertEqual(String(decoding: out, as: UTF8.self), "\\x007fa5")
    }

    func testTextOfBytesIsLowerCase() {
        XCTAssertEqual(Hex.encode([]), "")
        XCTAssertEqual(Hex.encode([0xDE, 0xAD, 0xBE, 0xEF, 0x00, 0x09]), "deadbeef0009")
    }
}
