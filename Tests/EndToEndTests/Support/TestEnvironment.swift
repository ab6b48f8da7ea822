import Foundation
import IASAuth
import IASKafka
import IASTokenSigning
#if canImport(Glibc)
import Glibc
#endif

/// What `make test` provides: the built executables, a PostgreSQL server and a broker.
enum TestEnvironment {
    static let jwtSecret = "end-to-end-test-secret-0123456789-abcdefghij"

    static func required(_ key: String) -> String {
        guard let value = ProcessInfo.processInfo.environment[key], !value.isEmpty else {
            fatalError("\(key) is not set: run the tests with `make test`, which starts PostgreSQL and the broker")
        }
        return value
    }

    static var binDirectory: String { required("IAS_TEST_BIN_DIR") }
    static var postgresPort: String { required("IAS_TEST_PG_PORT") }
    static var brokers: String { required("IAS_TEST_KAFKA_BROKERS") }

    /// Marks a record a test writes on purpose that is no valid event (poison, a broken
    /// contract): the CloudEvents check after the end-to-end tests (deploy/local/cloudevents_check.py)
    /// counts such records apart instead of failing on them.
    static let poisonHeader = KafkaHeader(key: "ias-test-poison", value: Array("1".utf8))

    static func token(org: String, roles: [String] = ["caseworker"], subject: String = "e2e-user") -> String {
        let signer = JWTSigner(keys: try! JWTKeySet.parse(jwtSecret))
        return try! signer.sign(subject: subject, organisation: org, roles: roles)
    }

    /// A free TCP port on 127.0.0.1 (bound and released; good enough for tests).
    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    static func serviceEnvironment(_ name: String, port: Int, instance: String) -> [String: String] {
        var env = ProcessInfo.processInfo.environment
        env["IAS_HTTP_PORT"] = String(port)
        env["IAS_HTTP_HOST"] = "127.0.0.1"
        env["IAS_DATABASE_URL"] = "postgresql://ias_\(name)@127.0.0.1:\(postgresPort)/ias_\(name)"
        env["IAS_KAFKA_BROKERS"] = brokers
        env["IAS_JWT_SECRET"] = jwtSecret
        env["IAS_INSTANCE_ID"] = instance
        env["IAS_SHUTDOWN_SECONDS"] = "10"
        env["IAS_HTTP_READ_TIMEOUT_SECONDS"] = "2"
        return env
    }
}

/// The five services (or a subset) as real processes on free ports.
final class TestStack {
    private(set) var services: [String: ServiceProcess] = [:]

    init(_ names: [String], extraEnvironment: [String: [String: String]] = [:]) {
        for name in names {
            let port = TestEnvironment.freePort()
            let environment = TestEnvironment.serviceEnvironment(name, port: port, instance: "\(name)-e2e")
                .merging(extraEnvironment[name] ?? [:]) { $1 }
            services[name] = ServiceProcess(name: name, port: port, environment: environment)
        }
    }

    subscript(name: String) -> ServiceProcess { services[name]! }

    /// The stack of a test class, started (and warmed up: every consumer group joined) in its
    /// class set-up; a stack that cannot start ends the run with the reason.
    static func running(_ names: [String], extraEnvironment: [String: [String: String]] = [:], warmUp: Bool = true) -> TestStack {
        let stack = TestStack(names, extraEnvironment: extraEnvironment)
        do {
            try stack.start()
            if warmUp { try stack.warmUp() }
        } catch { stack.stop(); fatalError("the stack did not start: \(error)") }
        return stack
    }

    func start() throws {
        for service in services.values { try service.start() }
        for service in services.values { try service.waitUntilReady() }
    }

    func stop() {
        for service in services.values { service.stop() }
    }

    /// Waits until one registration has travelled to coordination: the consumer groups have
    /// joined and the pipeline is warm (as after `make run` loaded its demo).
    func warmUp(timeout: Double = 60) throws {
        let token = TestEnvironment.token(org: "canton:KSD")
        let created = try client("intake").json("POST", "/persons", token: token, body: Fixtures.person(givenName: "Warm"))
        guard created.status == 201, let caseId = try created.json()["caseId"] as? String else {
            throw TestFailure("warm-up registration failed: \(created.status) \(created.text)")
        }
        let coordination = try client("coordination")
        let arrived = try TestStack.eventually(within: timeout) { () -> Bool? in
            try coordination.json("GET", "/cases/\(caseId)/dossier", token: token).status == 200 ? true : nil
        }
        guard arrived == true else { throw TestFailure("the warm-up registration did not reach coordination within \(timeout) s") }
    }

    func client(_ name: String) throws -> RawHTTPClient { try RawHTTPClient(port: self[name].port) }

    /// Polls `body` until it returns a value or the timeout passes.
    static func eventually<T>(within seconds: Double, _ body: () throws -> T?) throws -> T? {
        let deadline = Date().addingTimeInterval(seconds)
        repeat {
            if let value = try body() { return value }
            Thread.sleep(forTimeInterval: 0.05)
        } while Date() < deadline
        return nil
    }
}
