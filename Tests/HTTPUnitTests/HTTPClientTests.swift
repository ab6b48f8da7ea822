import Foundation
import Glibc
@testable import IASHTTP
import IASHTTPClient
import IASRuntime
import TestSupport
import XCTest

/// The one HTTP client against the project's own server, and against a scripted one for the
/// answers that server never gives (chunked, oversized, malformed, delimited by the close).
final class HTTPClientTests: XCTestCase {
    func testRequestsShareOneKeptAliveConnection() throws {
        let server = try TestServer { $0.idleTimeout = 5 }
        let client = HTTPClient(port: server.port)
        for id in ["a", "b", "c"] {
            let response = try client.request("GET", "/persons/\(id)")
            XCTAssertEqual(response.status, 200)
            XCTAssertEqual(try response.json()["id"]?.stringValue, id)
        }
        XCTAssertEqual(server.server.openConnections, 1)
    }

    func testJSONCarriesTheBodyAndTheBearerToken() throws {
        let server = try TestServer()
        let client = HTTPClient(port: server.port)
        let created = try client.json("POST", "/persons", token: "t-1", body: TestServer.PersonInput(name: "Zoë", languages: ["ti", "de"]))
        XCTAssertEqual(created.status, 201, created.text)
        XCTAssertEqual(created.header("content-type"), "application/json")
        let person = try created.decode(TestServer.PersonInput.self)
        XCTAssertEqual(person.name, "Zoë")
        XCTAssertEqual(person.languages, ["ti", "de"])
        XCTAssertEqual(try client.json("GET", "/authorization", token: "t-1").text, "Bearer t-1")
        XCTAssertEqual(try client.json("GET", "/authorization").text, "none")
        XCTAssertEqual(try client.json("POST", "/persons", body: .object(["name": .string("A")])).errorFields, ["languages"])
    }

    func testAConnectionTheServerClosedIsOpenedAgain() throws {
        let server = try TestServer { $0.idleTimeout = 0.3 }
        let client = HTTPClient(port: server.port)
        XCTAssertEqual(try client.request("GET", "/healthz").status, 200)
        let deadline = Date().addingTimeInterval(3)
        while server.server.openConnections > 0, Date() < deadline { usleep(20_000) }
        XCTAssertEqual(server.server.openConnections, 0, "the server closed the idle connection")
        XCTAssertEqual(try client.request("GET", "/healthz").text, "ok", "the next request reconnects")

        let closing = try client.request("GET", "/healthz", headers: [("Connection", "close")])
        XCTAssertEqual(closing.header("Connection"), "close")
        XCTAssertEqual(try client.request("GET", "/healthz").text, "ok", "after Connection: close, a new connection")
    }

    func testHeadAnswersHaveNoBodyAndTheConnectionStaysInStep() throws {
        let server = try TestServer()
        let client = HTTPClient(port: server.port)
        let head = try client.request("HEAD", "/persons/p-1")
        XCTAssertEqual(head.status, 200)
        XCTAssertEqual(head.header("Content-Length"), String(#"{"id":"p-1"}"#.utf8.count))
        XCTAssertEqual(head.body, [])
        XCTAssertEqual(try client.request("GET", "/persons/p-2").text, #"{"id":"p-2"}"#)
    }

    func testAStuckServerIsATimeoutAndAnAbsentOneCannotBeReached() throws {
        let server = try TestServer()
        let started = Date()
        XCTAssertThrowsError(try HTTPClient(port: server.port, readTimeout: 0.3).request("GET", "/stuck")) { error in
            XCTAssertEqual(error as? HTTPClientError, .timedOut(seconds: 0.3))
        }
        XCTAssertLessThan(Date().timeIntervalSince(started), 2)

        let unused = TestEnvironment.freePort()
        XCTAssertThrowsError(try HTTPClient(port: unused).request("GET", "/healthz")) { error in
            guard case .cannotConnect(_, let port, let reason)? = error as? HTTPClientError else { return XCTFail("\(error)") }
            XCTAssertEqual(port, unused)
            XCTAssertTrue(reason.contains("refused"), reason)
        }
        XCTAssertThrowsError(try HTTPClient(port: 80, host: "no-such-host.invalid").request("GET", "/")) { error in
            guard case .cannotConnect? = error as? HTTPClientError else { return XCTFail("\(error)") }
        }
    }

    func testChunkedAnswersAreJoinedAndTrailersPassedOver() throws {
        let server = try ScriptedServer(answer: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n")
        let response = try HTTPClient(port: server.port).request("GET", "/")
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.text, "hello world")
    }

    func testInterimAnswersArePassedOverAndABodyMayEndWithTheClose() throws {
        let server = try ScriptedServer(answer: "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil the end")
        let response = try HTTPClient(port: server.port).request("POST", "/", body: Array("x".utf8))
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.text, "until the end")
    }

    func testAnswersBeyondTheLimitsAreRefused() throws {
        var configuration = HTTPClientConfiguration(port: 0)
        configuration.maxBodyBytes = 10
        configuration.maxHeaderBytes = 100
        for (answer, limit) in [("HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\nhello world", "body"),
                                ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nhello \r\n5\r\nworld\r\n0\r\n\r\n", "body"),
                                ("HTTP/1.1 200 OK\r\nX-Big: " + String(repeating: "b", count: 200) + "\r\n\r\n", "head")] {
            let server = try ScriptedServer(answer: answer)
            configuration.port = server.port
            XCTAssertThrowsError(try HTTPClient(configuration).request("GET", "/")) { error in
                guard case .tooLarge(let what)? = error as? HTTPClientError else { return XCTFail("\(limit): \(error)") }
                XCTAssertTrue(what.contains(limit), what)
            }
        }
    }

    func testMalformedAnswersAreNamed() throws {
        for answer in ["SSH-2.0-OpenSSH_9.2\r\n\r\n", "HTTP/1.1 20 OK\r\n\r\n", "HTTP/1.1 200 OK\r\nNoColon\r\n\r\n",
                       "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"] {
            let server = try ScriptedServer(answer: answer)
            XCTAssertThrowsError(try HTTPClient(port: server.port).request("GET", "/")) { error in
                guard case .malformedResponse? = error as? HTTPClientError else { return XCTFail("\(answer): \(error)") }
            }
        }
        let cut = try ScriptedServer(answer: "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort")
        XCTAssertThrowsError(try HTTPClient(port: cut.port).request("GET", "/")) { error in
            XCTAssertEqual(error as? HTTPClientError, .malformedResponse("the connection ended within the answer"))
        }
        let silent = try ScriptedServer(answer: "")
        XCTAssertThrowsError(try HTTPClient(port: silent.port).request("GET", "/")) { error in
            XCTAssertEqual(error as? HTTPClientError, .closed, "closed before any answer")
        }
    }
}

/// Answers one connection with fixed bytes once its request head has arrived, then closes it.
final class ScriptedServer: @unchecked Sendable {
    let port: Int
    private let fd: Int32

    init(answer: String) throws {
        (fd, port) = try Listener.open(host: "127.0.0.1", port: 0)
        Thread { [fd] in
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&pfd, 1, 5000) > 0 else { return }
            let connection = accept(fd, nil, nil)
            guard connection >= 0 else { return }
            var received: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 4096)
            while !String(decoding: received, as: UTF8.self).contains("\r\n\r\n") {
                let n = recv(connection, &chunk, chunk.count, 0)
                if n <= 0 { break }
                received += chunk[..<n]
            }
            _ = Array(answer.utf8).withUnsafeBytes { send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            close(connection)
        }.start()
    }

    deinit { close(fd) }
}
