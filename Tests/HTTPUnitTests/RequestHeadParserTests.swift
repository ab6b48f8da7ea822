@testable import IASHTTP
import XCTest

final class RequestHeadParserTests: XCTestCase {
    private let limits = RequestHeadLimits(maxRequestLineBytes: 100, maxHeaderBytes: 200, maxHeaderCount: 5)

    /// Feeds `bytes` one at a time, as the slowest client would, and parses the head once
    /// the scanner finds its end.
    private func parse(_ bytes: [UInt8]) throws -> RequestHead? {
        var scanner = RequestHeadScanner(limits: limits)
        for end in 1...bytes.count {
            let found = try bytes[0..<end].withUnsafeBufferPointer { try scanner.scan($0) }
            if let length = found {
                return try RequestHeadParser.parse(Array(bytes[0..<length]), limits: limits)
            }
        }
        return nil
    }

    private func parse(_ text: String) throws -> RequestHead? { try parse(Array(text.utf8)) }

    /// The status of the problem the head is rejected with (nil when accepted).
    private func rejection(_ text: String) -> Int? { rejection(Array(text.utf8)) }

    private func rejection(_ bytes: [UInt8]) -> Int? {
        do {
            _ = try parse(bytes)
            return nil
        } catch let problem as Problem {
            return problem.status
        } catch {
            return -1
        }
    }

    func testParsesRequestLineAndFields() throws {
        let head = try XCTUnwrap(parse("POST /a/b?c=1 HTTP/1.1\r\nHost: example\r\nX-Value: \t spaced out \t\r\nX-Value: 2\r\n\r\n"))
        XCTAssertEqual(head.method, "POST")
        XCTAssertEqual(head.target, "/a/b?c=1")
        XCTAssertEqual(head.minorVersion, 1)
        XCTAssertEqual(head.headers["host"], "example")
        XCTAssertEqual(head.headers.values("x-value"), ["spaced out", "2"])
    }

    func testAcceptsBareLineFeedsAndHTTP10() throws {
        let head = try XCTUnwrap(parse("GET / HTTP/1.0\nHost: x\n\n"))
        XCTAssertEqual(head.minorVersion, 0)
        XCTAssertEqual(head.headers["Host"], "x")
    }

    func testHeadWithoutFields() throws {
        let head = try XCTUnwrap(parse("GET /healthz HTTP/1.1\r\n\r\n"))
        XCTAssertEqual(head.headers.count, 0)
    }

    func testWaitsForTheBlankLine() throws {
        XCTAssertNil(try parse("GET / HTTP/1.1\r\nHost: x\r\n"))
    }

    func testRejectsMalformedFields() {
        XCTAssertEqual(rejection("GET / HTTP/1.1\r\nA: b\rc\r\n\r\n"), 400, "bare CR")
        XCTAssertEqual(rejection("GET / HTTP/1.1\r\nNoColon\r\n\r\n"), 400, "no colon")
        XCTAssertEqual(rejection("GET / HTTP/1.1\r\nHost : x\r\n\r\n"), 400, "space before colon")
        XCTAssertEqual(rejection("GET / HTTP/1.1\r\n: x\r\n\r\n"), 400, "empty name")
        XCTAssertEqual(rejection("GET / HTTP/1.1\r\nA: b\u{1}c\r\n\r\n"), 400, "control character")
        XCTAssertEqual(rejection("GET / HTTP/1.1\r\nA: b\u{0}c\r\n\r\n"), 400, "NUL")
        XCTAssertEqual(rejection("GET / HTTP/1.1\r\nA: b\r\n folded\r\n\r\n"), 400, "obsolete line folding")
        XCTAssertEqual(rejection("GET / HTTP/1.1\r\nA(b): c\r\n\r\n"), 400, "non-token name")
    }

    func testRejectsMalformedRequestLines() {
        XCTAssertEqual(rejection("G(T / HTTP/1.1\r\n\r\n"), 400, "non-token method")
        XCTAssertEqual(rejection("GET  / HTTP/1.1\r\n\r\n"), 400, "two spaces")
        XCTAssertEqual(rejection("GET /\r\n\r\n"), 400, "no version")
        XCTAssertEqual(rejection("GET / HTTP/1.x\r\n\r\n"), 400, "invalid version")
        XCTAssertEqual(rejection("GET / HTTPS/1.1\r\n\r\n"), 400, "invalid protocol")
        XCTAssertEqual(rejection("GET / HTTP/1.1 extra\r\n\r\n"), 400, "trailing text")
        XCTAssertEqual(rejection("GET /a\u{7}b HTTP/1.1\r\n\r\n"), 400, "control character in target")
        XCTAssertEqual(rejection(Array("GET /\u{E9} HTTP/1.1\r\n\r\n".utf8)), 400, "non-ASCII target")
        XCTAssertEqual(rejection("GET / HTTP/2.0\r\n\r\n"), 505)
    }

    func testRejectsGarbageAtTheFirstImpossibleByte() {
        var scanner = RequestHeadScanner(limits: limits)
        // A TLS ClientHello starts with 0x16: no request line can start like that.
        let tls: [UInt8] = [0x16, 0x03, 0x01, 0x02, 0x00]
        XCTAssertThrowsError(try tls.withUnsafeBufferPointer { try scanner.scan($0) })
        XCTAssertEqual(rejection([0x00, 0xFF, 0xFE]), 400)
        XCTAssertEqual(rejection("\u{1}\u{2}\u{3}"), 400)
    }

    func testRequestLineLimitIsCheckedBeforeTheLineEnds() {
        let long = "GET /" + String(repeating: "a", count: 200)
        var scanner = RequestHeadScanner(limits: limits)
        let bytes = Array(long.utf8)
        XCTAssertThrowsError(try bytes.withUnsafeBufferPointer { try scanner.scan($0) }) { error in
            XCTAssertEqual((error as? Problem)?.status, 414)
        }
    }

    func testHeaderLimits() {
        let big = "GET / HTTP/1.1\r\nX: " + String(repeating: "v", count: 300) + "\r\n\r\n"
        XCTAssertEqual(rejection(big), 431)
        let many = "GET / HTTP/1.1\r\n" + (1...6).map { "X-\($0): v\r\n" }.joined() + "\r\n"
        XCTAssertEqual(rejection(many), 431)
        let enough = "GET / HTTP/1.1\r\n" + (1...5).map { "X-\($0): v\r\n" }.joined() + "\r\n"
        XCTAssertNil(rejection(enough))
    }

    func testKeepAliveDefaults() throws {
        XCTAssertTrue(try XCTUnwrap(parse("GET / HTTP/1.1\r\n\r\n")).wantsKeepAlive)
        XCTAssertFalse(try XCTUnwrap(parse("GET / HTTP/1.1\r\nConnection: Close\r\n\r\n")).wantsKeepAlive)
        XCTAssertFalse(try XCTUnwrap(parse("GET / HTTP/1.0\r\n\r\n")).wantsKeepAlive)
        XCTAssertTrue(try XCTUnwrap(parse("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")).wantsKeepAlive)
    }
}
