import Foundation
import IASHTTP
import IASHTTPClient
import IASRuntime
import XCTest

/// A route with its own body limit (a bulk import) accepts more than the server's general
/// limit; every other route keeps the general one.
final class RouteBodyLimitTests: XCTestCase {
    var server: HTTPServer!
    var running: WorkerThread!

    override func setUpWithError() throws {
        var configuration = HTTPServerConfiguration(port: 0)
        configuration.host = "127.0.0.1"
        configuration.maxBodyBytes = 1000
        configuration.gracePeriod = 1
        let router = Router()
        let echo: HTTPHandler = { request in .text(String(request.body.count)) }
        router.post("/echo", echo)
        router.add("POST", "/bulk", body: .limit(5000), echo)
        router.add("POST", "/lists/{listId}", body: .limit(5000), echo)
        server = HTTPServer(configuration: configuration, router: router, logger: Logger(label: "http-test", minimumLevel: .error),
                            metrics: MetricsRegistry(), errorMapper: nil)
        running = try WorkerThread.start(server)
    }

    override func tearDown() { running.stop() }

    func status(_ path: String, bodyBytes: Int, chunked: Bool = false) throws -> Int? {
        let client = HTTPClient(port: server.boundPort, readTimeout: 3)
        let body = String(repeating: "x", count: bodyBytes)
        if chunked {
            try client.send(raw: "POST \(path) HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                + String(bodyBytes, radix: 16) + "\r\n" + body + "\r\n0\r\n\r\n")
            return (try? client.readResponse())?.status
        }
        return (try? client.request("POST", path, body: Array(body.utf8)))?.status
    }

    func testTheRouteLimitReplacesTheGeneralLimitForThatRouteOnly() throws {
        XCTAssertEqual(try status("/bulk", bodyBytes: 4000), 200)
        XCTAssertEqual(try status("/lists/l-1", bodyBytes: 4000), 200)
        XCTAssertEqual(try status("/bulk", bodyBytes: 4000, chunked: true), 200)
        XCTAssertEqual(try status("/bulk", bodyBytes: 6000), 413)
        XCTAssertEqual(try status("/bulk", bodyBytes: 6000, chunked: true), 413)
        XCTAssertEqual(try status("/echo", bodyBytes: 4000), 413)
        XCTAssertEqual(try status("/echo", bodyBytes: 4000, chunked: true), 413)
        XCTAssertEqual(try status("/nowhere", bodyBytes: 4000), 413, "an unknown path has the general limit")
    }
}
