import Foundation
import Glibc
import IASHTTP
import IASHTTPClient
import TestSupport
import XCTest

/// Clients that send garbage, too much, or too slowly. Each test also checks that a normal
/// client is served promptly while the hostile one is still connected.
final class HostileClientTests: XCTestCase {
    /// The status of the answer to `bytes`, or nil when the server closed without one; the
    /// server must close the connection either way.
    private func answer(to bytes: [UInt8], on server: TestServer, file: StaticString = #filePath, line: UInt = #line) throws -> Int? {
        let client = try server.client()
        try client.send(raw: bytes)
        server.assertServesNormalClient(file: file, line: line)
        let status = (try? client.readResponse(timeout: 3))?.status
        XCTAssertTrue(client.waitForClose(timeout: 3), "connection left open", file: file, line: line)
        return status
    }

    func testGarbageIsAnswered400AndClosed() throws {
        let server = try TestServer()
        // A TLS ClientHello, binary noise, and text that is not HTTP.
        XCTAssertEqual(try answer(to: [0x16, 0x03, 0x01, 0x00, 0xA5, 0x01, 0x00], on: server), 400)
        XCTAssertEqual(try answer(to: [0x00, 0xFF, 0x13, 0x37, 0x0D, 0x0A, 0x0D, 0x0A], on: server), 400)
        XCTAssertEqual(try answer(to: Array("HELLO THERE, HOW ARE YOU\r\n\r\n".utf8), on: server), 400)
        XCTAssertEqual(try answer(to: Array("GET / HTTP/1.1\r\nHost x\r\n\r\n".utf8), on: server), 400)
        XCTAssertEqual(try answer(to: Array("GET / HTTP/1.1\r\nA: b\rc\r\n\r\n".utf8), on: server), 400)
        XCTAssertEqual(try answer(to: Array("GET /a%zz HTTP/1.1\r\n\r\n".utf8), on: server), 400)
        XCTAssertEqual(try answer(to: Array("GET / HTTP/9.9\r\n\r\n".utf8), on: server), 505)
    }

    func testProblemAnswersToProtocolErrors() throws {
        let server = try TestServer()
        let client = try server.client()
        try client.send(raw: "GET / HTTP/1.1\r\nNoColonHere\r\n\r\n")
        let response = try client.readResponse()
        XCTAssertEqual(response.status, 400)
        XCTAssertEqual(response.header("Content-Type"), "application/problem+json")
        XCTAssertEqual(response.header("Connection"), "close")
        XCTAssertNotNil(response.header("Date"))
        XCTAssertEqual(try response.json()["requestId"]?.stringValue, response.header("X-Request-Id"))
    }

    func testOversizedHeaderIs431() throws {
        let server = try TestServer()
        // No blank line follows: the limit must be noticed while the head is still arriving.
        let head = "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + String(repeating: "b", count: 20_000)
        XCTAssertEqual(try answer(to: Array(head.utf8), on: server), 431)
        let many = "GET / HTTP/1.1\r\n" + (0..<101).map { "X-\($0): v\r\n" }.joined() + "\r\n"
        XCTAssertEqual(try answer(to: Array(many.utf8), on: server), 431)
    }

    func testOversizedRequestLineIs414() throws {
        let server = try TestServer()
        let line = "GET /" + String(repeating: "a", count: 9000)
        XCTAssertEqual(try answer(to: Array(line.utf8), on: server), 414)
    }

    func testBodyOverTheLimitIs413WithoutBeingRead() throws {
        let server = try TestServer { $0.maxBodyBytes = 1000 }
        let client = try server.client()
        let started = Date()
        // Declares 100 MB but sends only a little: the answer must not wait for the rest.
        try client.send(raw: "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000\r\n\r\n" + String(repeating: "x", count: 4096))
        let response = try client.readResponse(timeout: 2)
        XCTAssertEqual(response.status, 413)
        XCTAssertEqual(response.header("Connection"), "close")
        XCTAssertLessThan(Date().timeIntervalSince(started), 1, "answered without waiting for the declared body")
        server.assertServesNormalClient()
        XCTAssertTrue(client.waitForClose(timeout: 3))
    }

    func testChunkedBodyOverTheLimitIs413() throws {
        let server = try TestServer { $0.maxBodyBytes = 1000 }
        let chunk = "258\r\n" + String(repeating: "c", count: 600) + "\r\n"
        let twoChunks = "POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk + chunk
        XCTAssertEqual(try answer(to: Array(twoChunks.utf8), on: server), 413)
        let huge = "POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffffffffffffffff\r\n"
        XCTAssertEqual(try answer(to: Array(huge.utf8), on: server), 413)
    }

    func testAmbiguousFramingIsRejected() throws {
        let server = try TestServer()
        let both = "POST /echo HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
        XCTAssertEqual(try answer(to: Array(both.utf8), on: server), 400)
        let gzip = "POST /echo HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n"
        XCTAssertEqual(try answer(to: Array(gzip.utf8), on: server), 501)
        let badChunk = "POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"
        XCTAssertEqual(try answer(to: Array(badChunk.utf8), on: server), 400)
        let overflow = "POST /echo HTTP/1.1\r\nContent-Length: 184467440737095516160\r\n\r\n"
        XCTAssertEqual(try answer(to: Array(overflow.utf8), on: server), 413)
    }

    func testSlowClientDoesNotBlockOthersAndTimesOutWith408() throws {
        let server = try TestServer { $0.readTimeout = 1.5 }
        let slow = try server.client()
        let request = Array("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Padding: slow\r\n\r\n".utf8)
        let sender = Thread {
            for byte in request {
                guard (try? slow.send(raw: [byte])) != nil else { return }
                Thread.sleep(forTimeInterval: 0.2)
            }
        }
        sender.start()
        Thread.sleep(forTimeInterval: 0.3)
        for _ in 0..<3 {
            server.assertServesNormalClient(within: 0.5)
            Thread.sleep(forTimeInterval: 0.2)
        }
        // One byte per 200 ms cannot finish the request within the read timeout.
        let response = try slow.readResponse(timeout: 3)
        XCTAssertEqual(response.status, 408)
        XCTAssertTrue(slow.waitForClose(timeout: 3))
    }

    func testConnectionLimitAnswers503() throws {
        let server = try TestServer {
            $0.maxConnections = 2
            $0.idleTimeout = 10
        }
        var held = [try server.client(), try server.client()]
        for client in held { XCTAssertEqual(try client.request("GET", "/healthz").status, 200) }

        let refused = try server.client()
        try refused.send(raw: "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        let response = try refused.readResponse()
        XCTAssertEqual(response.status, 503)
        XCTAssertEqual(response.header("Connection"), "close")
        XCTAssertEqual(response.header("Retry-After"), "1")
        XCTAssertEqual(response.header("Content-Type"), "application/problem+json")
        XCTAssertTrue(refused.waitForClose(timeout: 1))
        XCTAssertEqual(server.metrics.counterValue("http_connections_rejected_total"), 1)

        // A freed slot serves the next client.
        held.removeLast()
        let deadline = Date().addingTimeInterval(2)
        while server.server.openConnections > 1, Date() < deadline { usleep(10_000) }
        server.assertServesNormalClient()
        XCTAssertEqual(try held.first?.request("GET", "/healthz").status, 200)
    }

    func testIdleKeepAliveConnectionIsClosed() throws {
        let server = try TestServer { $0.idleTimeout = 0.5 }
        let client = try server.client()
        XCTAssertEqual(try client.request("GET", "/healthz").status, 200)
        let started = Date()
        XCTAssertTrue(client.waitForClose(timeout: 2))
        XCTAssertGreaterThan(Date().timeIntervalSince(started), 0.4)
        XCTAssertEqual(server.server.openConnections, 0)
    }

    func testSilentConnectionIsClosedWithoutAnswer() throws {
        let server = try TestServer { $0.readTimeout = 0.5 }
        let silent = try server.client()
        server.assertServesNormalClient()
        XCTAssertThrowsError(try silent.readResponse(timeout: 2), "nothing was asked, so nothing is answered")
        XCTAssertTrue(silent.waitForClose(timeout: 1))
    }

    func testClientLeavingMidRequestFreesItsConnection() throws {
        let server = try TestServer()
        do {
            let leaving = try server.client()
            try leaving.send(raw: "POST /echo HTTP/1.1\r\nContent-Length: 100\r\n\r\npartial")
            server.assertServesNormalClient()
        }
        let deadline = Date().addingTimeInterval(2)
        while server.server.openConnections > 0, Date() < deadline { usleep(10_000) }
        XCTAssertEqual(server.server.openConnections, 0)
    }

    /// Random and mutated input on many connections: the server must answer or close each
    /// one, never crash, and keep serving.
    func testRandomInputNeverBreaksTheServer() throws {
        let server = try TestServer()
        var generator = SeededGenerator(seed: 42)
        let valid = Array("POST /echo?x=1 HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nbody\r\n0\r\n\r\n".utf8)
        for round in 0..<500 {
            var input: [UInt8]
            if round % 2 == 0 {
                input = (0..<Int.random(in: 1...200, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            } else {
                input = valid
                for _ in 0..<Int.random(in: 1...4, using: &generator) {
                    input[Int.random(in: 0..<input.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
                }
            }
            let client = try server.client()
            try client.send(raw: input)
            client.shutdownWriting()
            XCTAssertTrue(client.waitForClose(timeout: 3), "round \(round) left the connection open")
        }
        server.assertServesNormalClient()
        let deadline = Date().addingTimeInterval(2)
        while server.server.openConnections > 0, Date() < deadline { usleep(10_000) }
        XCTAssertEqual(server.server.openConnections, 0)
    }
}
