import Foundation
import IASHTTP
import IASHTTPClient
import IASRuntime
import XCTest

final class ServerLifecycleTests: XCTestCase {
    func testPortInUseIsAClearError() throws {
        let first = try TestServer()
        var configuration = HTTPServerConfiguration(port: first.port)
        configuration.host = "127.0.0.1"
        let second = HTTPServer(configuration: configuration, router: Router(), logger: Logger(label: "test", minimumLevel: .error),
                                metrics: MetricsRegistry())
        XCTAssertThrowsError(try WorkerThread.start(second)) { error in
            XCTAssertTrue(String(describing: error).contains("already in use"), String(describing: error))
        }
    }

    func testInvalidHostIsAClearError() {
        var configuration = HTTPServerConfiguration(port: 0)
        configuration.host = "not-an-address"
        let server = HTTPServer(configuration: configuration, router: Router(), logger: Logger(label: "test", minimumLevel: .error),
                                metrics: MetricsRegistry())
        XCTAssertThrowsError(try WorkerThread.start(server)) { error in
            XCTAssertTrue(String(describing: error).contains("IP address"), String(describing: error))
        }
    }

    func testStopLetsRequestsInFlightFinishAndClosesIdleConnections() throws {
        let server = try TestServer { $0.idleTimeout = 30; $0.gracePeriod = 3 }
        let idle = try server.client()
        XCTAssertEqual(try idle.request("GET", "/healthz").status, 200)
        let busy = try server.client()
        try busy.send(raw: "GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
        Thread.sleep(forTimeInterval: 0.1)

        let started = Date()
        server.running.stop()
        let took = Date().timeIntervalSince(started)
        XCTAssertLessThan(took, 2, "stop waits for the slow request only")

        let response = try busy.readResponse(timeout: 1)
        XCTAssertEqual(response.text, "slow")
        XCTAssertEqual(response.header("Connection"), "close")
        XCTAssertTrue(idle.waitForClose(timeout: 0.5))
        XCTAssertEqual(server.server.openConnections, 0)
        XCTAssertThrowsError(try HTTPClient(port: server.port).connect(), "no longer listening")
    }

    func testStopReturnsAfterTheGracePeriod() throws {
        let server = try TestServer { $0.gracePeriod = 0.2 }
        let busy = try server.client()
        try busy.send(raw: "GET /stuck HTTP/1.1\r\nHost: x\r\n\r\n")
        Thread.sleep(forTimeInterval: 0.1)
        let started = Date()
        server.running.stop()
        XCTAssertLessThan(Date().timeIntervalSince(started), 1.5, "a handler stuck for 3 s is not waited for")
    }

    func testStartTwiceIsAnError() throws {
        let server = try TestServer()
        XCTAssertThrowsError(try WorkerThread.start(server.server))
    }

    func testOpenConnectionsCountsClients() throws {
        let server = try TestServer { $0.idleTimeout = 5 }
        let clients = [try server.client(), try server.client(), try server.client()]
        for client in clients { XCTAssertEqual(try client.request("GET", "/healthz").status, 200) }
        XCTAssertEqual(server.server.openConnections, 3)
        XCTAssertGreaterThan(server.server.boundPort, 0)
    }
}
