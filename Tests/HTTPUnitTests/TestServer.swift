import Foundation
import IASHTTP
import IASHTTPClient
import IASRuntime
import XCTest

/// A real HTTPServer on 127.0.0.1 and a free port, with the routes the socket tests use.
final class TestServer {
    struct PersonInput: Codable {
        let name: String
        let languages: [String]
    }

    struct DatabaseDown: Error {}
    struct Unexpected: Error, CustomStringConvertible { var description: String { "something broke" } }

    let server: HTTPServer
    let running: WorkerThread
    let metrics = MetricsRegistry()
    let port: Int

    init(_ configure: (inout HTTPServerConfiguration) -> Void = { _ in }) throws {
        var configuration = HTTPServerConfiguration(port: 0)
        configuration.host = "127.0.0.1"
        configuration.readTimeout = 1.5
        configuration.idleTimeout = 1
        configuration.gracePeriod = 1
        configure(&configuration)

        let router = Router()
        router.get("/healthz") { _ in .text("ok") }
        router.get("/persons/search") { _ in .json(["found": 0]) }
        router.get("/persons/{personId}") { request in .json(["id": try request.parameter("personId")]) }
        router.post("/persons") { request in
            let input = try request.decode(PersonInput.self)
            return .json(input, status: 201)
        }
        router.post("/echo") { request in
            HTTPResponse(status: 200, headers: HTTPHeaders([("Content-Type", "application/octet-stream")]), body: request.body)
        }
        router.get("/query") { request in .json(request.query) }
        router.get("/authorization") { request in .text(request.header("Authorization") ?? "none") }
        router.get("/slow") { _ in
            Thread.sleep(forTimeInterval: 0.5)
            return .text("slow")
        }
        router.get("/stuck") { _ in
            Thread.sleep(forTimeInterval: 3)
            return .text("stuck")
        }
        router.get("/problem") { _ in throw Problem.conflict("Already there.", extensions: ["existingPersonId": .string("p-1")]) }
        router.get("/unavailable") { _ in throw DatabaseDown() }
        router.get("/fail") { _ in throw Unexpected() }
        router.delete("/persons/{personId}") { _ in .empty() }
        router.get("/download") { request in
            .download(Array("0123456789".utf8), contentType: "text/plain", fileName: "zehn.txt", etag: EntityTag("v1"), request: request)
        }

        server = HTTPServer(configuration: configuration, router: router, logger: Logger(label: "http-test", minimumLevel: .error),
                            metrics: metrics, errorMapper: { error in
                                error is DatabaseDown ? Problem.unavailable("The database is unavailable.", retryAfterSeconds: 2) : nil
                            })
        running = try WorkerThread.start(server)
        port = server.boundPort
    }

    /// A client already connected (as a browser's socket would be), waiting 3 s for answers.
    func client() throws -> HTTPClient {
        let client = HTTPClient(port: port, readTimeout: 3)
        try client.connect()
        return client
    }

    /// A well-behaved client's health check, answered quickly while others misbehave.
    func assertServesNormalClient(within seconds: Double = 1, file: StaticString = #filePath, line: UInt = #line) {
        let started = Date()
        guard let response = try? HTTPClient(port: port, readTimeout: seconds).request("GET", "/healthz") else {
            XCTFail("a normal client was not served", file: file, line: line)
            return
        }
        XCTAssertEqual(response.status, 200, file: file, line: line)
        XCTAssertLessThan(Date().timeIntervalSince(started), seconds, file: file, line: line)
    }

    deinit { running.stop() }
}

extension HTTPClientResponse {
    /// The `field` of each entry of a problem document's `errors`.
    var errorFields: [String] {
        guard case .array(let errors)? = try? json()["errors"] else { return [] }
        return errors.compactMap { $0["field"]?.stringValue }
    }
}
