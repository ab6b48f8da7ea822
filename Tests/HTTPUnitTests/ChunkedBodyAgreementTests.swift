import Foundation
import IASHTTP
import IASHTTPClient
import IASRuntime
import XCTest

/// The same chunked bodies read by the server (a request) and by the client (an answer), both
/// with a body limit of 64 bytes and a head limit of 1024 (which also bounds the trailers):
/// each body must come out alike on both sides, or be refused on both for the same reason.
final class ChunkedBodyAgreementTests: XCTestCase {
    /// What a side made of a body. The server answers `malformed` with 400 and `tooLarge` with
    /// 413 (the body) or 431 (the trailers); `cut` (the peer closed within the body) it leaves unanswered.
    enum Outcome: Equatable {
        case body(String)
        case malformed
        case tooLarge
        case cut
    }

    static let maxBodyBytes = 64
    static let maxHeaderBytes = 1024

    /// Each body, what both sides make of it, and the server's status.
    static let cases: [(name: String, body: String, outcome: Outcome, status: Int?)] = [
        ("two chunks", "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", .body("hello world"), 200),
        ("extensions", "5;name=value\r\nhello\r\n6 ; q=\"a b\";flag\r\n world\r\n0;last\r\n\r\n", .body("hello world"), 200),
        ("trailers", "5\r\nhello\r\n0\r\nX-Checksum: 5d41\r\nX-Empty:\r\n\r\n", .body("hello"), 200),
        ("bare LF line ends", "5\nhello\n0\n\n", .body("hello"), 200),
        ("hex digits", "00A\r\n0123456789\r\nf\r\nabcdefghijklmno\r\n0\r\n\r\n", .body("0123456789abcdefghijklmno"), 200),
        ("no chunk", "0\r\n\r\n", .body(""), 200),
        ("a CR as data", "6\r\nhello\r\n0\r\n\r\n", .body("hello\r"), 200),
        ("at the body limit", "20\r\n" + String(repeating: "a", count: 32) + "\r\n20\r\n" + String(repeating: "b", count: 32) + "\r\n0\r\n\r\n",
         .body(String(repeating: "a", count: 32) + String(repeating: "b", count: 32)), 200),
        ("longest size line", "1;" + String(repeating: "e", count: 4094) + "\r\nx\r\n0\r\n\r\n", .body("x"), 200),
        ("trailers at their limit", "1\r\nx\r\n0\r\n" + trailer(512) + trailer(512) + "\r\n", .body("x"), 200),

        ("size not hex", "zz\r\nhello\r\n0\r\n\r\n", .malformed, 400),
        ("no size", "\r\nhello\r\n0\r\n\r\n", .malformed, 400),
        ("space within the size", "5 5\r\nhello\r\n0\r\n\r\n", .malformed, 400),
        ("control byte in an extension", "5;a\u{1}\r\nhello\r\n0\r\n\r\n", .malformed, 400),
        ("bare CR in the size line", "5\r;a\r\nhello\r\n0\r\n\r\n", .malformed, 400),
        ("size line too long", "1;" + String(repeating: "e", count: 4095) + "\r\nx\r\n0\r\n\r\n", .malformed, 400),
        ("data longer than its size", "5\r\nhello!\r\n0\r\n\r\n", .malformed, 400),
        ("data shorter than its size", "7\r\nhello\r\n0\r\n\r\n", .malformed, 400),
        ("bare CR after the data", "5\r\nhello\r0\r\n\r\n", .malformed, 400),
        ("trailer without a colon", "0\r\nNoColon\r\n\r\n", .malformed, 400),
        ("bare CR in a trailer", "0\r\nX-A: b\rc\r\n\r\n", .malformed, 400),
        ("trailer line too long", "0\r\n" + trailer(1025) + "\r\n", .malformed, 400),

        ("a chunk beyond the body limit", "41\r\n" + String(repeating: "x", count: 65) + "\r\n0\r\n\r\n", .tooLarge, 413),
        ("chunks beyond it together", "20\r\n" + String(repeating: "x", count: 32) + "\r\n21\r\n" + String(repeating: "y", count: 33) + "\r\n0\r\n\r\n",
         .tooLarge, 413),
        ("a size beyond Int after a chunk", "5\r\nhello\r\nffffffffffffffffffffffff\r\n", .tooLarge, 413),
        ("trailers beyond their limit", "0\r\n" + trailer(400) + trailer(400) + trailer(400) + "\r\n", .tooLarge, 431),

        ("cut within the data", "5\r\nhel", .cut, nil),
        ("cut before the last chunk", "5\r\nhello\r\n", .cut, nil),
        ("cut within the trailers", "0\r\nX-A: b\r\n", .cut, nil),
    ]

    /// A trailer field line of `length` bytes before its CRLF.
    static func trailer(_ length: Int) -> String { "X-A: " + String(repeating: "a", count: length - 5) + "\r\n" }

    func testServerAndClientReadChunkedBodiesAlike() throws {
        let server = try TestServer {
            $0.maxBodyBytes = Self.maxBodyBytes
            $0.maxHeaderBytes = Self.maxHeaderBytes
        }
        for (name, body, outcome, status) in Self.cases {
            let (serverOutcome, serverStatus, detail) = try serverReads(body, port: server.port)
            let clientOutcome = try clientReads(body)
            XCTAssertEqual(serverOutcome, outcome, "server: \(name)")
            XCTAssertEqual(clientOutcome, outcome, "client: \(name)")
            XCTAssertEqual(serverStatus, status, "server: \(name)")
            switch status {
            case 400: XCTAssertEqual(detail, "The chunked request body is malformed.", name)
            case 413: XCTAssertEqual(detail, "The request body is larger than the 64 bytes this server accepts.", name)
            case 431: XCTAssertEqual(detail, "The request header fields are larger than this server accepts.", name)
            default: break
            }
        }
    }

    /// The body as a request to the echo route, the sending side closed behind it.
    private func serverReads(_ body: String, port: Int) throws -> (Outcome, Int?, String?) {
        let client = HTTPClient(port: port, readTimeout: 3)
        try client.send(raw: "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + body)
        client.shutdownWriting()
        let response: HTTPClientResponse
        do { response = try client.readResponse() } catch HTTPClientError.closed { return (.cut, nil, nil) }
        let detail = response.status == 200 ? nil : try response.json()["detail"]?.stringValue
        switch response.status {
        case 200: return (.body(response.text), 200, nil)
        case 400: return (.malformed, 400, detail)
        case 413, 431: return (.tooLarge, response.status, detail)
        default: return (.malformed, response.status, detail)
        }
    }

    /// The body as the answer of a scripted server, which closes the connection behind it.
    private func clientReads(_ body: String) throws -> Outcome {
        let server = try ScriptedServer(answer: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + body)
        var configuration = HTTPClientConfiguration(port: server.port, readTimeout: 3)
        configuration.maxBodyBytes = Self.maxBodyBytes
        configuration.maxHeaderBytes = Self.maxHeaderBytes
        do {
            return .body(try HTTPClient(configuration).request("GET", "/").text)
        } catch HTTPClientError.malformedResponse("the connection ended within the answer") {
            return .cut
        } catch HTTPClientError.malformedResponse {
            return .malformed
        } catch HTTPClientError.tooLarge {
            return .tooLarge
        }
    }
}
