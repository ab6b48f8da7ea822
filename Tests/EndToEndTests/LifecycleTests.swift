import Foundation
import IASAuth
import IASTokenSigning
import IASHTTPClient
import TestSupport
import XCTest

/// Start-up and shutdown as an orchestrator sees them.
final class LifecycleTests: XCTestCase {
    func testAWrongConfigurationStopsTheServiceWithEveryProblemNamed() throws {
        let port = TestEnvironment.freePort()
        var environment = try TestEnvironment.serviceEnvironment("intake", port: port, instance: "intake-badconfig")
        environment["IAS_HTTP_PORT"] = "eighty"
        environment["IAS_DATABASE_POOL_SIZE"] = "0"
        environment.removeValue(forKey: "IAS_JWT_SECRET")
        let service = ServiceProcess(name: "intake", port: port, environment: environment)
        try service.start()
        let deadline = Date().addingTimeInterval(10)
        while service.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        XCTAssertEqual(service.exitStatus, 1)
        let log = try String(contentsOf: service.logURL, encoding: .utf8)
        for key in ["IAS_HTTP_PORT", "IAS_DATABASE_POOL_SIZE", "IAS_JWT_SECRET"] {
            XCTAssertTrue(log.contains(key), "the start-up error should name \(key): \(log.suffix(600))")
        }
    }

    func testSIGTERMStopsTheServiceCleanlyWithinItsBound() throws {
        let stack = try TestStack(["coordination"])
        try stack.start()
        let service = stack["coordination"]
        let started = Date()
        kill(service.pid, SIGTERM)
        while service.isRunning && Date().timeIntervalSince(started) < 15 { Thread.sleep(forTimeInterval: 0.05) }
        let took = Date().timeIntervalSince(started)
        XCTAssertFalse(service.isRunning, "still running \(took) s after SIGTERM")
        XCTAssertEqual(service.exitStatus, 0)
        XCTAssertLessThan(took, 10, "IAS_SHUTDOWN_SECONDS is 10 in the tests")
        let log = try String(contentsOf: service.logURL, encoding: .utf8)
        XCTAssertTrue(log.contains("\"msg\":\"stopped\""), "the shutdown should finish, not time out")
    }

    func testReadinessIsRedWhileTheDatabaseIsUnreachableAndHealthStaysGreen() throws {
        let port = TestEnvironment.freePort()
        var environment = try TestEnvironment.serviceEnvironment("intake", port: port, instance: "intake-nodb")
        environment["IAS_DATABASE_URL"] = "postgresql://ias_intake@127.0.0.1:1/ias_intake"
        environment["IAS_DATABASE_MIGRATION_URL"] = nil
        let service = ServiceProcess(name: "intake", port: port, environment: environment)
        try service.start()
        defer { service.stop() }
        let health = eventually(within: 10) { () -> Int? in
            (try? HTTPClient.connected(port: port).request("GET", "/healthz"))?.status
        }
        XCTAssertEqual(health, 200)
        let ready = try HTTPClient.connected(port: port).request("GET", "/readyz")
        XCTAssertEqual(ready.status, 503)
        XCTAssertTrue(ready.text.contains("\"database\":\"unreachable\""), ready.text)
        let token = TestEnvironment.token(org: "canton:KSD")
        let started = Date()
        let write = try HTTPClient.connected(port: port).json("POST", "/persons", token: token, body: NewPerson.sample())
        XCTAssertEqual(write.status, 503, write.text)
        XCTAssertLessThan(Date().timeIntervalSince(started), 5, "a write must fail fast, not hang")
    }
}

/// Rotating the token secret without downtime: the new secret signs, the old one is still
/// accepted while listed, and refused once removed.
final class SecretRotationTests: XCTestCase {
    func testATokenOfTheOldSecretWorksWhileListedAndIsRefusedAfterwards() throws {
        let oldSecret = "old-secret-of-the-canton-0123456789-abcdef"
        let newSecret = "new-secret-of-the-canton-0123456789-ghijkl"
        let oldToken = try JWTSigner(keys: JWTKeySet.parse("old:\(oldSecret)"))
            .sign(subject: "rotation", organisation: "canton:KSD", roles: ["caseworker"])
        let newToken = try JWTSigner(keys: JWTKeySet.parse("new:\(newSecret)"))
            .sign(subject: "rotation", organisation: "canton:KSD", roles: ["caseworker"])

        func start(_ secret: String) throws -> ServiceProcess {
            let port = TestEnvironment.freePort()
            var environment = try TestEnvironment.serviceEnvironment("intake", port: port, instance: "intake-rotation")
            environment["IAS_JWT_SECRET"] = secret
            let service = ServiceProcess(name: "intake", port: port, environment: environment)
            try service.start()
            try service.waitUntilReady()
            return service
        }
        func search(_ service: ServiceProcess, _ token: String) throws -> Int {
            try HTTPClient.connected(port: service.port).json("GET", "/persons?limit=1", token: token).status
        }

        let during = try start("new:\(newSecret),old:\(oldSecret)")
        XCTAssertEqual(try search(during, newToken), 200)
        XCTAssertEqual(try search(during, oldToken), 200, "the old secret is still listed")
        during.stop()

        let after = try start("new:\(newSecret)")
        defer { after.stop() }
        XCTAssertEqual(try search(after, newToken), 200)
        XCTAssertEqual(try search(after, oldToken), 401, "the removed secret no longer verifies")
    }
}
