@testable import IASHTTP
import XCTest

/// Range (RFC 9110 §14) and If-Range against a representation of a known length.
final class ByteRangeTests: XCTestCase {
    private func range(_ header: String?, length: Int = 1000) -> ByteRangeResult {
        ByteRange.parse(header: header, length: length)
    }

    func testSatisfiableRanges() {
        XCTAssertEqual(range("bytes=0-499"), .satisfiable(0..<500))
        XCTAssertEqual(range("bytes=500-"), .satisfiable(500..<1000))
        XCTAssertEqual(range("bytes=-500"), .satisfiable(500..<1000))
        XCTAssertEqual(range("bytes=-2000"), .satisfiable(0..<1000), "a suffix longer than the whole is the whole")
        XCTAssertEqual(range("bytes=900-2000"), .satisfiable(900..<1000), "the last position is clamped")
        XCTAssertEqual(range("bytes=999-999"), .satisfiable(999..<1000))
        XCTAssertEqual(range("bytes=0-99999999999999999999999"), .satisfiable(0..<1000))
        XCTAssertEqual(range("Bytes = 0-0 "), .satisfiable(0..<1))
        XCTAssertEqual(range("bytes=0-1,"), .satisfiable(0..<2), "empty list elements are no ranges")
    }

    func testUnsatisfiableRanges() {
        XCTAssertEqual(range("bytes=1000-"), .unsatisfiable)
        XCTAssertEqual(range("bytes=1000-1001"), .unsatisfiable)
        XCTAssertEqual(range("bytes=-0"), .unsatisfiable)
        XCTAssertEqual(range("bytes=99999999999999999999999-"), .unsatisfiable)
        XCTAssertEqual(range("bytes=0-", length: 0), .unsatisfiable)
        XCTAssertEqual(range("bytes=-5", length: 0), .whole, "an empty document has no range; served whole")
    }

    func testIgnoredRangesServeTheWhole() {
        for header in [nil, "", "bytes", "bytes=", "bytes=-", "bytes=5-1", "bytes=abc", "bytes=1-x", "bytes=--1", "bytes=+1-2",
                       "bytes=0 - 1", "items=0-1", "0-1", "bytes=0-1,5-6", "bytes=0-1, -5"] {
            XCTAssertEqual(range(header), .whole, header ?? "nil")
        }
    }

    private static let current = EntityTag("v1")

    func testIfRangeNeedsTheSameStrongTag() {
        func evaluate(_ headers: [(String, String)], method: String = "GET", etag: EntityTag? = ByteRangeTests.current) -> ByteRangeResult {
            ByteRange.evaluate(HTTPRequest(method: method, path: "/", headers: HTTPHeaders(headers)), etag: etag, length: 100)
        }
        XCTAssertEqual(evaluate([("Range", "bytes=10-19")]), .satisfiable(10..<20))
        XCTAssertEqual(evaluate([("Range", "bytes=10-19"), ("If-Range", "\"v1\"")]), .satisfiable(10..<20))
        XCTAssertEqual(evaluate([("Range", "bytes=10-19"), ("If-Range", "\"v2\"")]), .whole)
        XCTAssertEqual(evaluate([("Range", "bytes=10-19"), ("If-Range", "W/\"v1\"")]), .whole)
        XCTAssertEqual(evaluate([("Range", "bytes=10-19"), ("If-Range", "Sat, 05 Dec 2026 10:00:00 GMT")]), .whole)
        XCTAssertEqual(evaluate([("Range", "bytes=10-19"), ("If-Range", "\"v1\"")], etag: EntityTag("v1", weak: true)), .whole)
        XCTAssertEqual(evaluate([("Range", "bytes=10-19"), ("If-Range", "\"v1\"")], etag: nil), .whole)
        XCTAssertEqual(evaluate([("Range", "bytes=10-19")], method: "HEAD"), .satisfiable(10..<20))
        XCTAssertEqual(evaluate([("Range", "bytes=10-19")], method: "POST"), .whole, "Range is defined for GET only")
        XCTAssertEqual(evaluate([("Range", "bytes=200-")]), .unsatisfiable)
    }

    func testEntityTags() {
        XCTAssertEqual(EntityTag(parsing: "\"abc\""), EntityTag("abc"))
        XCTAssertEqual(EntityTag(parsing: " W/\"abc\" "), EntityTag("abc", weak: true))
        XCTAssertNil(EntityTag(parsing: "abc"))
        XCTAssertNil(EntityTag(parsing: "\"a\"b\""))
        XCTAssertEqual(EntityTag("a\"b c\r\n").headerValue, "\"abc\"", "no stored value can break the header")
        let current = EntityTag("v1")
        XCTAssertTrue(EntityTag.noneMatchNames("\"v0\", W/\"v1\"", current: current))
        XCTAssertTrue(EntityTag.noneMatchNames("*", current: current))
        XCTAssertTrue(EntityTag.noneMatchNames("\"a,b\",\"v1\"", current: current), "commas inside a tag")
        XCTAssertFalse(EntityTag.noneMatchNames("\"v2\"", current: current))
        XCTAssertFalse(EntityTag.noneMatchNames("v1", current: current), "an unquoted tag is malformed")
    }
}
