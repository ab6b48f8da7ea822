import Foundation
@testable import IASHTTP
import IASRuntime
import XCTest

/// Well-framed requests whose content is hostile: invalid UTF-8 wherever text arrives (body,
/// path, query, header values), strings no field may hold, numbers beyond any range, and
/// silent connections that would otherwise hold every slot. Each must be a 400 that says
/// which part is wrong and why, never a 500, a hang, or a silently altered value.
final class HostileContentTests: XCTestCase {
    struct Input: Decodable {
        let name: String
        let count: Int
        let ratio: Double?
    }

    private func problem(_ body: [UInt8], file: StaticString = #filePath, line: UInt = #line) -> Problem? {
        let request = HTTPRequest(method: "POST", path: "/x", headers: HTTPHeaders([("Content-Type", "application/json")]), body: body)
        return decodingProblem(request, as: Input.self, file: file, line: line)
    }

    private func problem(_ body: String, file: StaticString = #filePath, line: UInt = #line) -> Problem? {
        problem(Array(body.utf8), file: file, line: line)
    }

    /// `{"name":"<bytes>","count":1}`
    private func nameHolding(_ bytes: [UInt8]) -> [UInt8] {
        Array(#"{"name":""#.utf8) + bytes + Array(#"","count":1}"#.utf8)
    }

    // MARK: Body

    func testInvalidUTF8InAStringIsNamedWithItsReason() throws {
        let cases: [(bytes: [UInt8], reason: String)] = [
            ([0xC0, 0xAF], "an overlong encoding"),
            ([0xE0, 0x80, 0xAF], "an overlong encoding"),
            ([0xF0, 0x80, 0x80, 0xAF], "an overlong encoding"),
            ([0xED, 0xA0, 0x80], "an encoded surrogate"),
            ([0xED, 0xA0, 0x80, 0xED, 0xB0, 0x80], "an encoded surrogate"),
            ([0x41, 0xE2, 0x82], "a truncated multi-byte sequence"),
            ([0xF0, 0x9F, 0x98], "a truncated multi-byte sequence"),
            ([0xFF], "a byte that never occurs in UTF-8"),
            ([0xFE, 0xFF], "a byte that never occurs in UTF-8"),
            ([0x80], "a continuation byte without a lead byte"),
            ([0xF4, 0x90, 0x80, 0x80], "a code point beyond U+10FFFF"),
        ]
        for (bytes, reason) in cases {
            let p = try XCTUnwrap(problem(nameHolding(bytes)), "\(bytes)")
            XCTAssertEqual(p.status, 400)
            XCTAssertEqual(p.type, Problem.invalidJSONType)
            XCTAssertEqual(p.errors.first?.field, "name", "\(bytes)")
            XCTAssertTrue(p.errors.first?.message.contains(reason) ?? false, "\(bytes): \(p.errors)")
            XCTAssertTrue(p.detail.contains("UTF-8"))
        }
        // In a member name and nested: the path of the enclosing value.
        let nested = Array(#"{"name":"a","count":1,"tags":["ok","#.utf8) + [0x22, 0xC3, 0x28, 0x22] + Array("]}".utf8)
        XCTAssertEqual(problem(nested)?.errors.first?.field, "tags[1]")
    }

    func testValidUTF8IsAccepted() throws {
        // Two-, three- and four-byte sequences, the edges of each range, and escaped pairs.
        let text = "é€\u{10FFFF}\u{FFFD}𝄞 Ĉ \u{7FF}\u{800}\u{FFFF}\u{10000}"
        let body = Array(#"{"name":""#.utf8) + Array(text.utf8) + Array(#"\ud834\udd1e","count":1}"#.utf8)
        let request = HTTPRequest(method: "POST", path: "/x", headers: HTTPHeaders([("Content-Type", "application/json")]), body: body)
        XCTAssertEqual(try request.decode(Input.self).name, text + "𝄞")
    }

    func testBinaryBodyIsRefusedAsNotUTF8() throws {
        // UTF-16 with a byte order mark: not inside a string, so the whole body is named.
        let p = try XCTUnwrap(problem([0xFF, 0xFE, 0x7B, 0x00, 0x7D, 0x00]))
        XCTAssertEqual(p.type, Problem.invalidJSONType)
        XCTAssertEqual(p.errors, [FieldError(field: "", message: "is not valid UTF-8 text")])
    }

    func testNULInAStringIsRefused() throws {
        let p = try XCTUnwrap(problem(#"{"name":"a\u0000b","count":1}"#))
        XCTAssertEqual(p.status, 400)
        XCTAssertEqual(p.type, Problem.validationType)
        XCTAssertEqual(p.errors, [FieldError(field: "name", message: "must not contain the NUL character (\\u0000)")])
        // In any string, member names included; the escape is refused however it is spelled.
        XCTAssertEqual(problem(#"{"name":"a","count":1,"x":{"k\u0000":1}}"#)?.errors.first?.field, "x")
        XCTAssertEqual(problem(#"{"name":"a","count":1,"x":["\u0000"]}"#)?.errors.first?.field, "x[0]")
        // A raw NUL byte is a control character and already invalid JSON.
        XCTAssertEqual(problem(nameHolding([0x00]))?.type, Problem.invalidJSONType)
    }

    func testUnpairedSurrogateEscapesAreRefused() throws {
        for escape in [#"\ud800"#, #"\uDBFF"#, #"\udc00"#, #"\ud800\u0041"#, #"\ud800\ud800"#, #"x\udfff"#] {
            let p = try XCTUnwrap(problem(#"{"name":""# + escape + #"","count":1}"#), escape)
            XCTAssertEqual(p.status, 400, escape)
            XCTAssertEqual(p.errors.first?.field, "name", escape)
            XCTAssertTrue(p.errors.first?.message.contains("unpaired surrogate") ?? false, "\(escape): \(p.errors)")
        }
    }

    func testHugeAndTinyNumbersAreNamed() throws {
        for number in ["1e400", "-1e400", "1E+99999", "123456789" + String(repeating: "0", count: 400)] {
            let p = try XCTUnwrap(problem(#"{"name":"a","count":1,"ratio":\#(number)}"#), number)
            XCTAssertEqual(p.errors, [FieldError(field: "ratio", message: "is a number too large to be represented")], number)
        }
        for number in ["1e-400", "-2.5e-999", "0." + String(repeating: "0", count: 400) + "1"] {
            let p = try XCTUnwrap(problem(#"{"name":"a","count":1,"ratio":\#(number)}"#), number)
            XCTAssertEqual(p.errors, [FieldError(field: "ratio", message: "is a number too close to zero to be represented")], number)
        }
        // Whole numbers beyond Int64 in a whole-number field are named by the decoder path.
        for number in ["123456789012345678901234567890", "-123456789012345678901234567890", "9223372036854775808", "1e19", "1.5"] {
            let p = try XCTUnwrap(problem(#"{"name":"a","count":\#(number)}"#), number)
            XCTAssertEqual(p.errors, [FieldError(field: "count", message: "must be a whole number within the allowed range")], number)
        }
        // Not numbers at all.
        for token in ["NaN", "Infinity", "-Infinity", "+1", ".5", "0x10", "1e", "--1"] {
            XCTAssertEqual(problem(#"{"name":"a","count":\#(token)}"#)?.type, Problem.invalidJSONType, token)
        }
        // Zero spelled in many ways is still zero, and in range.
        for zero in ["0", "-0", "0e400", "0.0e-400", "0E0"] {
            let request = HTTPRequest(method: "POST", path: "/x", headers: HTTPHeaders([("Content-Type", "application/json")]),
                                      body: Array(#"{"name":"a","count":1,"ratio":\#(zero)}"#.utf8))
            XCTAssertEqual(try request.decode(Input.self).ratio, 0, zero)
        }
    }

    func testAHugeStringWithinTheBodyLimitDecodesInTime() throws {
        // Length limits are the handler's business; the decoder must only stay linear.
        let name = String(repeating: "é", count: 450_000)
        let body = Array(#"{"name":""#.utf8) + Array(name.utf8) + Array(#"","count":1}"#.utf8)
        let request = HTTPRequest(method: "POST", path: "/x", headers: HTTPHeaders([("Content-Type", "application/json")]), body: body)
        let started = Date()
        XCTAssertEqual(try request.decode(Input.self).name.count, 450_000)
        XCTAssertLessThan(Date().timeIntervalSince(started), 5)
    }

    func testUTF8Validator() {
        XCTAssertEqual(UTF8Sequence.at(0, in: [0xC3, 0xA9]), .valid(length: 2))
        XCTAssertEqual(UTF8Sequence.at(0, in: [0xED, 0x9F, 0xBF]), .valid(length: 3), "U+D7FF")
        XCTAssertEqual(UTF8Sequence.at(0, in: [0xEE, 0x80, 0x80]), .valid(length: 3), "U+E000")
        XCTAssertEqual(UTF8Sequence.at(0, in: [0xF4, 0x8F, 0xBF, 0xBF]), .valid(length: 4), "U+10FFFF")
        // Agrees with the standard library on every two-byte prefix.
        for lead in UInt8(0x80)...UInt8(0xFF) {
            for second in [UInt8(0x00), 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0] {
                let bytes = [lead, second, 0x80, 0x80]
                let ours: Bool
                if case .valid(let length) = UTF8Sequence.at(0, in: bytes) {
                    ours = String(validating: bytes[0..<length], as: UTF8.self) != nil
                } else {
                    ours = false
                }
                let theirs = (2...4).contains { String(validating: bytes[0..<$0], as: UTF8.self) != nil }
                XCTAssertEqual(ours, theirs, "\(String(lead, radix: 16)) \(String(second, radix: 16))")
            }
        }
    }

    // MARK: Request target

    private func targetProblem(_ target: String, file: StaticString = #filePath, line: UInt = #line) -> Problem? {
        do {
            _ = try RequestTarget.parse(target)
            XCTFail("\(target) was accepted", file: file, line: line)
        } catch {
            return error as? Problem
        }
        return nil
    }

    func testInvalidUTF8InThePathSaysSo() throws {
        for target in ["/persons/%C3%28", "/persons/%FF", "/persons/%C0%AF", "/persons/%ED%A0%80", "/a/b/%E2%82"] {
            let p = try XCTUnwrap(targetProblem(target))
            XCTAssertEqual(p.status, 400)
            XCTAssertTrue(p.detail.contains("path is not valid UTF-8"), "\(target): \(p.detail)")
        }
        XCTAssertTrue(targetProblem("/persons/%C3%28")?.detail.contains("segment 2") ?? false)
        XCTAssertTrue(targetProblem("/persons/%zz")?.detail.contains("invalid percent-encoding") ?? false)
        XCTAssertEqual(try RequestTarget.parse("/persons/%C3%A9").segments, ["persons", "é"])
    }

    func testInvalidUTF8InTheQueryNamesTheParameter() throws {
        let value = try XCTUnwrap(targetProblem("/persons?familyName=%C3%28&limit=5"))
        XCTAssertEqual(value.status, 400)
        XCTAssertEqual(value.errors, [FieldError(field: "familyName", message: "is not valid UTF-8 once percent-decoded")])
        XCTAssertTrue(value.detail.contains("familyName"))
        let escape = try XCTUnwrap(targetProblem("/persons?q=%G1"))
        XCTAssertEqual(escape.errors.first?.field, "q")
        XCTAssertTrue(escape.errors.first?.message.contains("invalid percent-encoding") ?? false)
        let name = try XCTUnwrap(targetProblem("/persons?%FF=1"))
        XCTAssertTrue(name.detail.contains("parameter name"), name.detail)
        XCTAssertEqual(name.errors, [])
        // The value is never echoed: it may be personal data.
        XCTAssertFalse(try XCTUnwrap(targetProblem("/persons?q=secret%FF")).detail.contains("secret"))
    }

    // MARK: Request head

    private func headProblem(_ bytes: [UInt8], file: StaticString = #filePath, line: UInt = #line) -> Problem? {
        let limits = HTTPServerConfiguration(port: 0).headLimits
        var scanner = RequestHeadScanner(limits: limits)
        do {
            guard let length = try bytes.withUnsafeBufferPointer({ try scanner.scan($0) }) else {
                XCTFail("the head was not complete", file: file, line: line)
                return nil
            }
            _ = try RequestHeadParser.parse(Array(bytes[0..<length]), limits: limits)
            XCTFail("the head was accepted", file: file, line: line)
        } catch {
            return error as? Problem
        }
        return nil
    }

    func testInvalidUTF8InAHeaderValueNamesTheHeader() throws {
        for value: [UInt8] in [[0xFF], [0x61, 0xC3, 0x28], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xE2, 0x82]] {
            let head = Array("GET / HTTP/1.1\r\nHost: x\r\nX-Case-Note: ".utf8) + value + Array("\r\n\r\n".utf8)
            let p = try XCTUnwrap(headProblem(head))
            XCTAssertEqual(p.status, 400)
            XCTAssertEqual(p.errors, [FieldError(field: "X-Case-Note", message: "is not valid UTF-8 text")])
            XCTAssertTrue(p.detail.contains("X-Case-Note"))
        }
        // Valid UTF-8 beyond ASCII stays accepted and arrives unaltered.
        let head = try RequestHeadParser.parse(Array("GET / HTTP/1.1\r\nX-Name: Zoë 😀\r\n\r\n".utf8), limits: HTTPServerConfiguration(port: 0).headLimits)
        XCTAssertEqual(head.headers["X-Name"], "Zoë 😀")
    }

    func testMalformedRequestLines() throws {
        func status(_ line: String) -> Int? { headProblem(Array(line.utf8))?.status }
        XCTAssertEqual(status("GET /healthz\r\n\r\n"), 400, "missing version")
        XCTAssertEqual(status("GET\r\n\r\n"), 400, "method only")
        XCTAssertEqual(status("GET\t/healthz\tHTTP/1.1\r\n\r\n"), 400, "tabs as separators")
        XCTAssertEqual(status("GET " + String(repeating: " ", count: 5000) + "/ HTTP/1.1\r\n\r\n"), 400, "many spaces")
        XCTAssertEqual(status("GET /healthz" + String(repeating: " ", count: 5000) + "HTTP/1.1\r\n\r\n"), 400, "many spaces")
        XCTAssertEqual(status(" GET / HTTP/1.1\r\n\r\n"), 400, "leading space")
        XCTAssertEqual(status("GET / HTTP/1.1 \r\n\r\n"), 400, "trailing space")
        XCTAssertEqual(status("GET / http/1.1\r\n\r\n"), 400, "lowercase protocol")
        XCTAssertEqual(status("GET / HTTP/1.10\r\n\r\n"), 400, "three-digit version")
        XCTAssertEqual(status("GET / HTTP/1.1\r\r\n\r\n"), 400, "CR CR LF")
        XCTAssertEqual(status(String(repeating: "G", count: 40) + " / HTTP/1.1\r\n\r\n"), 400, "overlong method")
        let tab = try XCTUnwrap(headProblem(Array("GET /healthz\tHTTP/1.1\r\n\r\n".utf8)))
        XCTAssertEqual(tab.detail, RequestHeadParser.controlInTarget.detail)
        let raw = try XCTUnwrap(headProblem([UInt8]("GET /persons/".utf8) + [0xC3, 0x28] + Array(" HTTP/1.1\r\n\r\n".utf8)))
        XCTAssertEqual(raw.detail, RequestHeadParser.nonASCIITarget.detail)
    }

    func testLowercaseMethodAndForeignAbsoluteFormReachTheRouter() throws {
        // Methods are case-sensitive tokens (RFC 9110 §9.1): "get" is a method the routes do
        // not have, which the router answers with 405. An origin server must accept the
        // absolute form and ignores its authority (RFC 9112 §3.2.2); nothing uses the host.
        let server = try TestServer()
        let lower = try server.client()
        try lower.send(raw: "get /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        let answer = try lower.readResponse()
        XCTAssertEqual(answer.status, 405)
        XCTAssertEqual(answer.header("Allow"), "GET, HEAD")
        let foreign = try server.client()
        try foreign.send(raw: "GET http://attacker.example:666/healthz?x=1 HTTP/1.1\r\nHost: other.example\r\n\r\n")
        XCTAssertEqual(try foreign.readResponse().status, 200)
    }

    // MARK: Connection slots

    func testSilentConnectionsGiveWayAtTheLimit() throws {
        let server = try TestServer {
            $0.maxConnections = 3
            $0.readTimeout = 30
        }
        // Three connections that never send a byte fill every slot.
        let silent = try (0..<3).map { _ in try server.client() }
        let deadline = Date().addingTimeInterval(2)
        while server.server.openConnections < 3, Date() < deadline { usleep(10_000) }
        XCTAssertEqual(server.server.openConnections, 3)

        // A real client still gets in, at once; the oldest silent connection is closed.
        server.assertServesNormalClient(within: 0.5)
        XCTAssertTrue(silent[0].waitForClose(timeout: 2), "the oldest silent connection was not closed")
        XCTAssertEqual(server.metrics.counterValue("http_connections_evicted_total"), 1)
        XCTAssertEqual(server.metrics.counterValue("http_connections_rejected_total"), 0)
        let settled = Date().addingTimeInterval(2)
        while server.server.openConnections > 2, Date() < settled { usleep(10_000) }
        XCTAssertEqual(server.server.openConnections, 2, "two silent connections remain")

        // Once every slot holds a connection that has spoken, the next one is refused.
        let busy = try (0..<3).map { _ in try server.client() }
        for client in busy { try client.send(raw: "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Partial: ") }
        Thread.sleep(forTimeInterval: 0.3)
        let refused = try server.client()
        try refused.send(raw: "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertEqual(try refused.readResponse().status, 503)
        XCTAssertEqual(server.metrics.counterValue("http_connections_rejected_total"), 1)
        // The half-sent requests were not cut off: each still completes.
        for client in busy {
            try client.send(raw: "1\r\n\r\n")
            XCTAssertEqual(try client.readResponse().status, 200)
        }
    }
}
