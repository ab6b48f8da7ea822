@testable import IASHTTP
import XCTest

final class BodyFramingTests: XCTestCase {
    private func framing(_ fields: [(String, String)], minor: Int = 1, max: Int = 1000) throws -> BodyFraming {
        try BodyFraming(head: RequestHead(method: "POST", target: "/", minorVersion: minor, headers: HTTPHeaders(fields)),
                        maxBodyBytes: max)
    }

    private func status(_ fields: [(String, String)], minor: Int = 1) -> Int? {
        do {
            _ = try framing(fields, minor: minor)
            return nil
        } catch {
            return (error as? Problem)?.status ?? -1
        }
    }

    func testContentLength() throws {
        XCTAssertEqual(try framing([]), BodyFraming.none)
        XCTAssertEqual(try framing([("Content-Length", "0")]), BodyFraming.none)
        XCTAssertEqual(try framing([("Content-Length", "12")]), .length(12))
        XCTAssertEqual(try framing([("Content-Length", "5, 5")]), .length(5))
        XCTAssertEqual(try framing([("Content-Length", "5"), ("content-length", "5")]), .length(5))
    }

    func testInvalidContentLength() {
        for value in ["abc", "-1", "+5", "1e3", "0x10", "", " ", "5,"] {
            XCTAssertEqual(status([("Content-Length", value)]), 400, value)
        }
        XCTAssertEqual(status([("Content-Length", "5, 6")]), 400)
        XCTAssertEqual(status([("Content-Length", "5"), ("Content-Length", "6")]), 400)
    }

    func testTooLargeIsRejectedWithoutOverflow() {
        XCTAssertEqual(status([("Content-Length", "1001")]), 413)
        XCTAssertEqual(status([("Content-Length", "99999999999999999999999999999999")]), 413)
        XCTAssertEqual(status([("Content-Length", "9223372036854775808")]), 413)
        XCTAssertEqual(BodyFraming.parseLength("18446744073709551616"), Int.max)
    }

    func testTransferEncoding() throws {
        XCTAssertEqual(try framing([("Transfer-Encoding", "chunked")]), .chunked)
        XCTAssertEqual(try framing([("Transfer-Encoding", " Chunked ")]), .chunked)
        XCTAssertEqual(status([("Transfer-Encoding", "chunked"), ("Content-Length", "5")]), 400)
        XCTAssertEqual(status([("Transfer-Encoding", "gzip")]), 501)
        XCTAssertEqual(status([("Transfer-Encoding", "gzip, chunked")]), 501)
        XCTAssertEqual(status([("Transfer-Encoding", "chunked, chunked")]), 400)
        XCTAssertEqual(status([("Transfer-Encoding", "")]), 400)
        XCTAssertEqual(status([("Transfer-Encoding", "chunked")], minor: 0), 400)
    }

    func testChunkSizeLine() throws {
        func size(_ text: String) throws -> Int {
            try Array(text.utf8).withUnsafeBufferPointer { try ChunkedEncoding.parseSizeLine($0) }
        }
        XCTAssertEqual(try size("1a"), 26)
        XCTAssertEqual(try size("0"), 0)
        XCTAssertEqual(try size("00000000000000000000010"), 16)
        XCTAssertEqual(try size("5;name=value"), 5)
        XCTAssertEqual(try size("5 ; name"), 5)
        XCTAssertEqual(try size("ffffffffffffffffffffffffffffffff"), Int.max)
        for invalid in ["", "g", "-1", "5 x", ";5", "5;\u{1}"] {
            XCTAssertThrowsError(try size(invalid), invalid)
        }
    }
}
