import Foundation
import IASHTTP
import XCTest

/// Well-formed traffic against a real server on a free port.
final class HTTPServerTests: XCTestCase {
    func testKeepAliveServesSeveralRequestsOnOneConnection() throws {
        let server = try TestServer()
        let client = try server.client()
        for _ in 0..<5 {
            let response = try XCTUnwrap(client.request("GET", "/healthz"))
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
        client.send("GET /persons/a HTTP/1.1\r\nHost: x\r\n\r\nPOST /echo HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello"
            + "GET /persons/b HTTP/1.1\r\nHost: x\r\n\r\n\r\nGET /persons/c HTTP/1.1\r\nConnection: close\r\n\r\n")
        XCTAssertEqual(client.readResponse()?.text, #"{"id":"a"}"#)
        XCTAssertEqual(client.readResponse()?.text, "hello")
        XCTAssertEqual(client.readResponse()?.text, #"{"id":"b"}"#)
        let last = try XCTUnwrap(client.readResponse())
        XCTAssertEqual(last.text, #"{"id":"c"}"#)
        XCTAssertEqual(last.header("Connection"), "close")
        XCTAssertTrue(client.waitForClose(timeout: 1))
    }

    func testConnectionCloseIsHonoured() throws {
        let server = try TestServer()
        let client = try server.client()
        let response = try XCTUnwrap(client.request("GET", "/healthz", headers: ["Connection: close"]))
        XCTAssertEqual(response.header("Connection"), "close")
        XCTAssertTrue(client.waitForClose(timeout: 1))
    }

    func testHTTP10ClosesUnlessAskedToKeepAlive() throws {
        let server = try TestServer()
        let closing = try server.client()
        closing.send("GET /healthz HTTP/1.0\r\n\r\n")
        XCTAssertEqual(closing.readResponse()?.header("Connection"), "close")
        XCTAssertTrue(closing.waitForClose(timeout: 1))

        let keeping = try server.client()
        keeping.send("GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        XCTAssertEqual(keeping.readResponse()?.header("Connection"), "keep-alive")
        keeping.send("GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        XCTAssertEqual(keeping.readResponse()?.status, 200)
    }

    func testHeadSendsHeadersWithoutBody() throws {
        let server = try TestServer()
        let client = try server.client()
        client.send("HEAD /persons/p-1 HTTP/1.1\r\nHost: x\r\n\r\n")
        let head = try XCTUnwrap(client.readResponse(bodyless: true))
        XCTAssertEqual(head.status, 200)
        XCTAssertEqual(head.header("Content-Length"), String(#"{"id":"p-1"}"#.utf8.count))
        // The next response starts right after the headers: no body bytes were sent.
        XCTAssertEqual(client.request("GET", "/healthz")?.text, "ok")
    }

    func testRequestIdIsEchoedOnlyWhenAcceptable() throws {
        let server = try TestServer()
        let client = try server.client()
        XCTAssertEqual(client.request("GET", "/healthz", headers: ["X-Request-Id: abc.DEF_1-2"])?.header("X-Request-Id"), "abc.DEF_1-2")
        let replaced = client.request("GET", "/healthz", headers: ["X-Request-Id: not acceptable"])?.header("X-Request-Id")
        XCTAssertEqual(replaced?.count, 36)
        let tooLong = client.request("GET", "/healthz", headers: ["X-Request-Id: " + String(repeating: "a", count: 65)])
        XCTAssertEqual(tooLong?.header("X-Request-Id")?.count, 36)
    }

    func testUnknownRouteAndWrongMethod() throws {
        let server = try TestServer()
        let client = try server.client()
        let notFound = try XCTUnwrap(client.request("GET", "/nothing/here"))
        XCTAssertEqual(notFound.status, 404)
        XCTAssertEqual(notFound.header("Content-Type"), "application/problem+json")
        XCTAssertEqual(notFound.json?["requestId"] as? String, notFound.header("X-Request-Id"))
        let wrongMethod = try XCTUnwrap(client.request("PUT", "/persons/p-1", body: "{}"))
        XCTAssertEqual(wrongMethod.status, 405)
        XCTAssertEqual(wrongMethod.header("Allow"), "DELETE, GET, HEAD")
        // Both are answers, not protocol errors: the connection stays usable.
        XCTAssertEqual(client.request("DELETE", "/persons/p-1")?.status, 204)
    }

    func testNoContentHasNoLength() throws {
        let server = try TestServer()
        let client = try server.client()
        let response = try XCTUnwrap(client.request("DELETE", "/persons/p-1"))
        XCTAssertEqual(response.status, 204)
        XCTAssertNil(response.header("Content-Length"))
        XCTAssertEqual(client.request("GET", "/healthz")?.text, "ok")
    }

    func testQueryAndPathAreDecoded() throws {
        let server = try TestServer()
        let client = try server.client()
        let response = try XCTUnwrap(client.request("GET", "/query?name=Z%C3%BCrich+Nord&flag"))
        XCTAssertEqual(response.json?["name"] as? String, "Zürich Nord")
        XCTAssertEqual(response.json?["flag"] as? String, "")
        XCTAssertEqual(client.request("GET", "/persons/a%2Fb%20c")?.text, #"{"id":"a/b c"}"#)
    }

    func testChunkedBody() throws {
        let server = try TestServer()
        let client = try server.client()
        client.send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "5\r\nhello\r\n6;note=x\r\n world\r\n0\r\nX-Trailer: ignored\r\n\r\n")
        XCTAssertEqual(client.readResponse()?.text, "hello world")
        XCTAssertEqual(client.request("GET", "/healthz")?.text, "ok")
    }

    func testLargeBodyWithinTheLimit() throws {
        let server = try TestServer()
        let client = try server.client()
        let body = String(repeating: "0123456789", count: 50_000)
        let response = try XCTUnwrap(client.request("POST", "/echo", body: body))
        XCTAssertEqual(response.body.count, body.utf8.count)
        XCTAssertEqual(response.text, body)
    }

    func testExpectContinue() throws {
        let server = try TestServer()
        let client = try server.client()
        client.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
        XCTAssertEqual(client.readResponse()?.status, 100)
        client.send("hello")
        XCTAssertEqual(client.readResponse()?.text, "hello")
    }

    func testExpectContinueBeyondTheLimitIsRefusedAtOnce() throws {
        let server = try TestServer { $0.maxBodyBytes = 10 }
        let client = try server.client()
        client.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\nExpect: 100-continue\r\n\r\n")
        let response = try XCTUnwrap(client.readResponse())
        XCTAssertEqual(response.status, 413)
        XCTAssertEqual(response.header("Connection"), "close")
    }

    func testProblemsAndErrorsFromHandlers() throws {
        let server = try TestServer()
        let client = try server.client()
        let conflict = try XCTUnwrap(client.request("GET", "/problem"))
        XCTAssertEqual(conflict.status, 409)
        XCTAssertEqual(conflict.json?["existingPersonId"] as? String, "p-1")

        let unavailable = try XCTUnwrap(client.request("GET", "/unavailable"))
        XCTAssertEqual(unavailable.status, 503)
        XCTAssertEqual(unavailable.header("Retry-After"), "2")

        let failed = try XCTUnwrap(client.request("GET", "/fail", headers: ["X-Request-Id: trace-1"]))
        XCTAssertEqual(failed.status, 500)
        XCTAssertEqual(failed.json?["requestId"] as? String, "trace-1")
        XCTAssertFalse(failed.text.contains("something broke"), "error details stay in the log")
    }

    func testBrokenJSONIsAProblemNamingTheField() throws {
        let server = try TestServer()
        let client = try server.client()
        let broken = try XCTUnwrap(client.request("POST", "/persons", headers: ["Content-Type: application/json"],
                                                  body: #"{"name":"A","languages":["de",]}"#))
        XCTAssertEqual(broken.status, 400)
        XCTAssertEqual(broken.header("Content-Type"), "application/problem+json")
        XCTAssertEqual(broken.json?["type"] as? String, Problem.invalidJSONType)
        let errors = try XCTUnwrap(broken.json?["errors"] as? [[String: String]])
        XCTAssertEqual(errors.first?["field"], "languages[1]")

        let missing = try XCTUnwrap(client.request("POST", "/persons", headers: ["Content-Type: application/json"], body: #"{"name":"A"}"#))
        XCTAssertEqual(missing.status, 400)
        XCTAssertEqual((missing.json?["errors"] as? [[String: String]])?.first?["field"], "languages")

        let wrongType = try XCTUnwrap(client.request("POST", "/persons", headers: ["Content-Type: text/plain"], body: "{}"))
        XCTAssertEqual(wrongType.status, 415)

        let created = try XCTUnwrap(client.request("POST", "/persons", headers: ["Content-Type: application/json"],
                                                   body: #"{"name":"A","languages":["de"]}"#))
        XCTAssertEqual(created.status, 201)
    }

    func testMetricsCountRequestsByRoutePattern() throws {
        let server = try TestServer()
        let client = try server.client()
        _ = client.request("GET", "/persons/p-1")
        _ = client.request("GET", "/persons/p-2")
        _ = client.request("GET", "/nothing")
        _ = client.request("BREW", "/persons/p-2")
        XCTAssertEqual(server.metrics.counterValue("http_requests_total", labels: ["method": "GET", "route": "/persons/{personId}", "status": "200"]), 2)
        XCTAssertEqual(server.metrics.counterValue("http_requests_total", labels: ["method": "GET", "route": "unmatched", "status": "404"]), 1)
        XCTAssertEqual(server.metrics.counterValue("http_requests_total", labels: ["method": "other", "route": "unmatched", "status": "405"]), 1)
        let exposition = server.metrics.render()
        XCTAssertTrue(exposition.contains(#"http_request_duration_seconds_count{method="GET",route="/persons/{personId}"} 2"#))
        XCTAssertFalse(exposition.contains("p-1"), "paths never become labels")
    }
}
