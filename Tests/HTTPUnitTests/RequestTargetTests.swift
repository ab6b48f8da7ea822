@testable import IASHTTP
import XCTest

final class RequestTargetTests: XCTestCase {
    private func status(_ target: String) -> Int? {
        do {
            _ = try RequestTarget.parse(target)
            return nil
        } catch {
            return (error as? Problem)?.status ?? -1
        }
    }

    func testDecodesPathAndQuery() throws {
        let target = try RequestTarget.parse("/persons/a%20b/x?q=hello+world&flag&k=%C3%A9&q=second")
        XCTAssertEqual(target.segments, ["persons", "a b", "x"])
        XCTAssertEqual(target.path, "/persons/a b/x")
        XCTAssertEqual(target.query, ["q": "hello world", "flag": "", "k": "é"])
    }

    func testEncodedSlashStaysInItsSegment() throws {
        let target = try RequestTarget.parse("/files/a%2Fb")
        XCTAssertEqual(target.segments, ["files", "a/b"])
    }

    func testPlusIsLiteralInThePath() throws {
        XCTAssertEqual(try RequestTarget.parse("/a+b").segments, ["a+b"])
    }

    func testAbsoluteForm() throws {
        XCTAssertEqual(try RequestTarget.parse("http://example:8080/p/q?x=1").path, "/p/q")
        XCTAssertEqual(try RequestTarget.parse("https://example").path, "/")
        XCTAssertEqual(try RequestTarget.parse("http://example?x=1").query, ["x": "1"])
    }

    func testRejectsInvalidTargets() {
        XCTAssertEqual(status("/a%zz"), 400)
        XCTAssertEqual(status("/a%4"), 400)
        XCTAssertEqual(status("/a%C3"), 400, "invalid UTF-8")
        XCTAssertEqual(status("/a%00b"), 400, "NUL in the path")
        XCTAssertEqual(status("/a%0Ab"), 400, "newline in the path")
        XCTAssertEqual(status("/a?x=%0"), 400)
        XCTAssertEqual(status("/a?x=%00"), 400)
        XCTAssertEqual(status("*"), 400)
        XCTAssertEqual(status("persons"), 400)
    }
}
