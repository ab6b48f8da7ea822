import Foundation
import IASHTTP
import IASHTTPClient
import XCTest

/// Well-formed traffic against a real server on a free port.
final class HTTPServerTests: XCTestCase {
    func testKeepAliveServesSeveralRequestsOnOneConnection() throws {
        let server = try TestServer()
        let client = try server.client()
        for _ in 0..<5 {
            let response = try client.request("GET", "/healthz")
            XCTAssertEqual(response.status, 200)
            XCTAssertEqual(response.text, "ok")
            XCTAssertEqual(response.header("Content-Length"), "2")
            XCTAssertEqual(response.header("Content-Type"), "text/plain; charset=utf-8")
            XCTAssertNotNil(response.header("Date"))
            XCTAssertNotNil(response.header("X-Request-Id"))
            XCTAssertNil(response.header("Connection"))
        }
        XCTAssertEqual(server.server.openConnections, 1)
    }

    func testPipelinedRequestsAreAnsweredInOrder() throws {
        let server = try TestServer()
        let client = try server.client()
        try client.send(raw: "GET /persons/a HTTP/1.1\r\nHost: x\r\n\r\nPOST /echo HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello"
            + "GET /persons/b HTTP/1.1\r\nHost: x\r\n\r\n\r\nGET /persons/c HTTP/1.1\r\nConnection: close\r\n\r\n")
        XCTAssertEqual(try client.readResponse().text, #"{"id":"a"}"#)
        XCTAssertEqual(try client.readResponse().text, "hello")
        XCTAssertEqual(try client.readResponse().text, #"{"id":"b"}"#)
        let last = try client.readResponse()
        XCTAssertEqual(last.text, #"{"id":"c"}"#)
        XCTAssertEqual(last.header("Connection"), "close")
        XCTAssertTrue(client.waitForClose(timeout: 1))
    }

    func testConnectionCloseIsHonoured() throws {
        let server = try TestServer()
        let client = try server.client()
        let response = try client.request("GET", "/healthz", headers: [("Connection", "close")])
        XCTAssertEqual(response.header("Connection"), "close")
        XCTAssertTrue(client.waitForClose(timeout: 1))
    }

    func testHTTP10ClosesUnlessAskedToKeepAlive() throws {
        let server = try TestServer()
        let closing = try server.client()
        try closing.send(raw: "GET /healthz HTTP/1.0\r\n\r\n")
        XCTAssertEqual(try closing.readResponse().header("Connection"), "close")
        XCTAssertTrue(closing.waitForClose(timeout: 1))

        let keeping = try server.client()
        try keeping.send(raw: "GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        XCTAssertEqual(try keeping.readResponse().header("Connection"), "keep-alive")
        try keeping.send(raw: "GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        XCTAssertEqual(try keeping.readResponse().status, 200)
    }

    func testHeadSendsHeadersWithoutBody() throws {
        let server = try TestServer()
        let client = try server.client()
        try client.send(raw: "HEAD /persons/p-1 HTTP/1.1\r\nHost: x\r\n\r\n")
        let head = try client.readResponse(bodyless: true)
        XCTAssertEqual(head.status, 200)
        XCTAssertEqual(head.header("Content-Length"), String(#"{"id":"p-1"}"#.utf8.count))
        // The next response starts right after the headers: no body bytes were sent.
        XCTAssertEqual(try client.request("GET", "/healthz").text, "ok")
    }

    func testRequestIdIsEchoedOnlyWhenAcceptable() throws {
        let server = try TestServer()
        let client = try server.client()
        XCTAssertEqual(try client.request("GET", "/healthz", headers: [("X-Request-Id", "abc.DEF_1-2")]).header("X-Request-Id"), "abc.DEF_1-2")
        let replaced = try client.request("GET", "/healthz", headers: [("X-Request-Id", "not acceptable")]).header("X-Request-Id")
        XCTAssertEqual(replaced?.count, 36)
        let tooLong = try client.request("GET", "/healthz", headers: [("X-Request-Id", String(repeating: "a", count: 65))])
        XCTAssertEqual(tooLong.header("X-Request-Id")?.count, 36)
    }

    func testUnknownRouteAndWrongMethod() throws {
        let server = try TestServer()
        let client = try server.client()
        let notFound = try client.request("GET", "/nothing/here")
        XCTAssertEqual(notFound.status, 404)
        XCTAssertEqual(notFound.header("Content-Type"), "application/problem+json")
        XCTAssertEqual(try notFound.json()["requestId"]?.stringValue, notFound.header("X-Request-Id"))
        let wrongMethod = try client.request("PUT", "/persons/p-1", body: Array("{}".utf8))
        XCTAssertEqual(wrongMethod.status, 405)
        XCTAssertEqual(wrongMethod.header("Allow"), "DELETE, GET, HEAD")
        // Both are answers, not protocol errors: the connection stays usable.
        XCTAssertEqual(try client.request("DELETE", "/persons/p-1").status, 204)
    }

    func testNoContentHasNoLength() throws {
        let server = try TestServer()
        let client = try server.client()
        let response = try client.request("DELETE", "/persons/p-1")
        XCTAssertEqual(response.status, 204)
        XCTAssertNil(response.header("Content-Length"))
        XCTAssertEqual(try client.request("GET", "/healthz").text, "ok")
    }

    func testQueryAndPathAreDecoded() throws {
        let server = try TestServer()
        let client = try server.client()
        let response = try client.request("GET", "/query?name=Z%C3%BCrich+Nord&flag")
        XCTAssertEqual(try response.json()["name"]?.stringValue, "Zürich Nord")
        XCTAssertEqual(try response.json()["flag"]?.stringValue, "")
        XCTAssertEqual(try client.request("GET", "/persons/a%2Fb%20c").text, #"{"id":"a/b c"}"#)
    }

    func testChunkedBody() throws {
        let server = try TestServer()
        let client = try server.client()
        try client.send(raw: "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "5\r\nhello\r\n6;note=x\r\n world\r\n0\r\nX-Trailer: ignored\r\n\r\n")
        XCTAssertEqual(try client.readResponse().text, "hello world")
        XCTAssertEqual(try client.request("GET", "/healthz").text, "ok")
    }

    func testLargeBodyWithinTheLimit() throws {
        let server = try TestServer()
        let client = try server.client()
        let body = String(repeating: "0123456789", count: 50_000)
        let response = try client.request("POST", "/echo", body: Array(body.utf8))
        XCTAssertEqual(response.body.count, body.utf8.count)
        XCTAssertEqual(response.text, body)
    }

    func testExpectContinue() throws {
        let server = try TestServer()
        let client = try server.client()
        try client.send(raw: "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
        XCTAssertEqual(try client.readResponse().status, 100)
        try client.send(raw: "hello")
        XCTAssertEqual(try client.readResponse().text, "hello")
    }

    func testExpectContinueBeyondTheLimitIsRefusedAtOnce() throws {
        let server = try TestServer { $0.maxBodyBytes = 10 }
        let client = try server.client()
        try client.send(raw: "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\nExpect: 100-continue\r\n\r\n")
        let response = try client.readResponse()
        XCTAssertEqual(response.status, 413)
        XCTAssertEqual(response.header("Connection"), "close")
    }

    func testProblemsAndErrorsFromHandlers() throws {
        let server = try TestServer()
        let client = try server.client()
        let conflict = try client.request("GET", "/problem")
        XCTAssertEqual(conflict.status, 409)
        XCTAssertEqual(try conflict.json()["existingPersonId"]?.stringValue, "p-1")

        let unavailable = try client.request("GET", "/unavailable")
        XCTAssertEqual(unavailable.status, 503)
        XCTAssertEqual(unavailable.header("Retry-After"), "2")

        let failed = try client.request("GET", "/fail", headers: [("X-Request-Id", "trace-1")])
        XCTAssertEqual(failed.status, 500)
        XCTAssertEqual(try failed.json()["requestId"]?.stringValue, "trace-1")
        XCTAssertFalse(failed.text.contains("something broke"), "error details stay in the log")
    }

    func testBrokenJSONIsAProblemNamingTheField() throws {
        let server = try TestServer()
        let client = try server.client()
        let broken = try client.request("POST", "/persons", headers: [("Content-Type", "application/json")],
                                                  body: Array(#"{"name":"A","languages":["de",]}"#.utf8))
        XCTAssertEqual(broken.status, 400)
        XCTAssertEqual(broken.header("Content-Type"), "application/problem+json")
        XCTAssertEqual(try broken.json()["type"]?.stringValue, Problem.invalidJSONType)
        XCTAssertEqual(broken.errorFields.first, "languages[1]")

        let missing = try client.request("POST", "/persons", headers: [("Content-Type", "application/json")], body: Array(#"{"name":"A"}"#.utf8))
        XCTAssertEqual(missing.status, 400)
        XCTAssertEqual(missing.errorFields.first, "languages")

        let wrongType = try client.request("POST", "/persons", headers: [("Content-Type", "text/plain")], body: Array("{}".utf8))
        XCTAssertEqual(wrongType.status, 415)

        let created = try client.request("POST", "/persons", headers: [("Content-Type", "application/json")],
                                                   body: Array(#"{"name":"A","languages":["de"]}"#.utf8))
        XCTAssertEqual(created.status, 201)
    }

    func testMetricsCountRequestsByRoutePattern() throws {
        let server = try TestServer()
        let client = try server.client()
        _ = try client.request("GET", "/persons/p-1")
        _ = try client.request("GET", "/persons/p-2")
        _ = try client.request("GET", "/nothing")
        _ = try client.request("BREW", "/persons/p-2")
        XCTAssertEqual(server.metrics.counterValue("http_requests_total", labels: ["method": "GET", "route": "/persons/{personId}", "status": "200"]), 2)
        XCTAssertEqual(server.metrics.counterValue("http_requests_total", labels: ["method": "GET", "route": "unmatched", "status": "404"]), 1)
        XCTAssertEqual(server.metrics.counterValue("http_requests_total", labels: ["method": "other", "route": "unmatched", "status": "405"]), 1)
        let exposition = server.metrics.render()
        XCTAssertTrue(exposition.contains(#"http_request_duration_seconds_count{method="GET",route="/persons/{personId}"} 2"#))
        XCTAssertFalse(exposition.contains("p-1"), "paths never become labels")
    }
}
