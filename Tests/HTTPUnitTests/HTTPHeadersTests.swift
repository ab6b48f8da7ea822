import IASHTTP
import XCTest

final class HTTPHeadersTests: XCTestCase {
    func testLookupIgnoresCaseAndReturnsTheFirstValue() {
        var headers = HTTPHeaders([("Content-Type", "application/json"), ("Accept", "a")])
        headers.add("accept", "b")
        XCTAssertEqual(headers["content-type"], "application/json")
        XCTAssertEqual(headers["ACCEPT"], "a")
        XCTAssertEqual(headers.values("Accept"), ["a", "b"])
        XCTAssertNil(headers["Missing"])
    }

    func testKeepsOrderAndSpelling() {
        var headers = HTTPHeaders()
        headers.add("X-B", "1")
        headers.add("x-a", "2")
        XCTAssertEqual(headers.pairs.map(\.name), ["X-B", "x-a"])
        headers.set("X-B", "3")
        XCTAssertEqual(headers.pairs.map(\.value), ["2", "3"])
        headers.remove("x-a")
        XCTAssertEqual(headers.count, 1)
    }
}
