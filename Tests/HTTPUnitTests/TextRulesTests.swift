@testable import IASHTTP
import XCTest

final class TextRulesTests: XCTestCase {
    func testATextIsWrittenAndWithinItsLength() {
        XCTAssertTrue(TextRules.isText("a", max: 1))
        XCTAssertTrue(TextRules.isText(" Reason\nwith lines ", max: 100))
        XCTAssertFalse(TextRules.isText("", max: 10), "empty")
        XCTAssertFalse(TextRules.isText(" \t\r\n\u{00A0}\u{3000}", max: 10), "only white space")
        XCTAssertFalse(TextRules.isText("ab", max: 1), "longer than max")
        XCTAssertTrue(TextRules.isText("e\u{0301}", max: 1), "characters, not scalars, are counted")
    }

    func testALineHasNoControlCharacters() {
        XCTAssertTrue(TextRules.isLine("SEM-2026-11-0042", max: 100))
        XCTAssertFalse(TextRules.isLine("two\nlines", max: 100))
        XCTAssertFalse(TextRules.isLine("bell\u{7}", max: 100))
        XCTAssertFalse(TextRules.isLine("   ", max: 100))
        XCTAssertTrue(TextRules.isText("two\nlines", max: 100), "a text may have several lines")
    }
}
