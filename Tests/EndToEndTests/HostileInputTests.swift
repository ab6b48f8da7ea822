import Foundation
import IASHTTPClient
import TestSupport
import XCTest

/// Malformed input against a running service: each gets a 4xx problem (or a closed
/// connection for garbage) while other clients keep being served.
final class HostileInputTests: StackTestCase {
    let canton = TestEnvironment.token(org: "canton:KSD")

    override class func startStack() -> TestStack { .running(["intake"], warmUp: false) }

    private var port: Int { Self.stack["intake"].port }

    /// A normal client is answered quickly while hostile ones are connected.
    private func assertOthersAreServed(file: StaticString = #filePath, line: UInt = #line) throws {
        let started = Date()
        let response = try HTTPClient.connected(port: port).request("GET", "/healthz")
        XCTAssertEqual(response.status, 200, file: file, line: line)
        XCTAssertLessThan(Date().timeIntervalSince(started), 0.5, "a normal client waited too long", file: file, line: line)
    }

    private func assertProblem(_ response: HTTPClientResponse, _ status: Int, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(response.status, status, response.text, file: file, line: line)
        XCTAssertEqual(response.headers["content-type"]?.hasPrefix("application/problem+json"), true, file: file, line: line)
        let json = try? response.object()
        XCTAssertEqual(json?["status"] as? Int, status, file: file, line: line)
    }

    func testGarbageBytesGetA400OrAClosedConnection() throws {
        // A slow client holds a connection open the whole time.
        let slow = try HTTPClient.connected(port: port)
        try slow.send(raw: "POST /persons HTTP/1.1\r\nHost: x\r\n")
        let garbage = try HTTPClient.connected(port: port)
        try garbage.send(raw: (0..<512).map { _ in UInt8.random(in: 0...255) } + [13, 10, 13, 10])
        if let response = try? garbage.readResponse() {
            XCTAssertEqual(response.status, 400)
        }
        XCTAssertTrue(garbage.waitForClose(timeout: 5))
        try assertOthersAreServed()
    }

    func testAnOversizedHeaderIsRefused() throws {
        let client = try HTTPClient.connected(port: port)
        let response = try client.request("GET", "/healthz", headers: ["X-Filler": String(repeating: "a", count: 40_000)])
        assertProblem(response, 431)
        try assertOthersAreServed()
    }

    func testABodyOverTheLimitIsRefusedWithoutReadingIt() throws {
        let client = try HTTPClient.connected(port: port)
        try client.send(raw: "POST /persons HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(canton)\r\nContent-Type: application/json\r\nContent-Length: 50000000\r\n\r\n")
        let response = try client.readResponse()
        assertProblem(response, 413)
        try assertOthersAreServed()
    }

    func testBrokenJSONNamesTheProblem() throws {
        let client = try HTTPClient.connected(port: port)
        let response = try client.request("POST", "/persons", headers: [
            "Authorization": "Bearer \(canton)", "Content-Type": "application/json",
        ], body: Array(#"{"givenName": "Amina", "familyName": }"#.utf8))
        assertProblem(response, 400)
        try assertOthersAreServed()
    }

    func testDeeplyNestedJSONIsRefused() throws {
        let client = try HTTPClient.connected(port: port)
        let body = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        let response = try client.request("POST", "/persons", headers: [
            "Authorization": "Bearer \(canton)", "Content-Type": "application/json",
        ], body: Array(body.utf8))
        assertProblem(response, 400)
        try assertOthersAreServed()
    }
}
