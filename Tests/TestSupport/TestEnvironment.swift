import Foundation
import IASKafka
#if canImport(Glibc)
import Glibc
#endif

/// What `make test` (deploy/local/test.sh) provides, read in this one place: the built
/// executables, a PostgreSQL server, a broker, the Python of the reference implementations.
/// A test that finds a variable missing fails with one message: it never skips, so that a run
/// that checked nothing cannot pass as green.
public enum TestEnvironment {
    public struct NotSetUp: Error, CustomStringConvertible {
        public let key: String
        public var description: String {
            "\(key) is not set: run the tests with `make test`, which installs and starts PostgreSQL and the broker "
                + "and sets every IAS_TEST_* variable (deploy/local/test.sh)"
        }
    }

    /// The value of `key`; throws `NotSetUp` when it is missing or empty.
    public static func value(_ key: String) throws -> String {
        guard let value = ProcessInfo.processInfo.environment[key], !value.isEmpty else { throw NotSetUp(key: key) }
        return value
    }

    public static var binDirectory: String { get throws { try value("IAS_TEST_BIN_DIR") } }
    public static var postgresPort: String { get throws { try value("IAS_TEST_PG_PORT") } }
    public static var brokers: String { get throws { try value("IAS_TEST_KAFKA_BROKERS") } }
    /// The superuser's URL of the scratch database `ias_test`; other databases are made beside it.
    public static var databaseURL: String { get throws { try value("IAS_TEST_DATABASE_URL") } }
    /// The Python of the reference implementations the tests compare against (PyJWT,
    /// cryptography, aiosmtpd, zipfile), installed by deploy/local/test-python.sh.
    public static var python: String { get throws { try value("IAS_TEST_PYTHON") } }
    /// Where the services started by the tests write their logs (the temporary folder outside `make test`).
    public static var logDirectory: String { ProcessInfo.processInfo.environment["IAS_TEST_LOG_DIR"] ?? NSTemporaryDirectory() }
    /// The broker's process, for tests that pause it (SIGSTOP) to simulate an outage.
    public static var brokerPID: Int32 {
        get throws {
            guard let pid = Int32(try value("IAS_TEST_BROKER_PID")) else { throw TestFailure("IAS_TEST_BROKER_PID is not a process id") }
            return pid
        }
    }

    /// The HS256 secret every service of the tests is started with.
    public static let jwtSecret = "end-to-end-test-secret-0123456789-abcdefghij"

    /// A bearer token the services of the tests accept.
    public static func token(org: String, roles: [String] = ["caseworker"], subject: String = "e2e-user") -> String {
        TestTokens.standard.token(org: org, roles: roles, subject: subject)
    }

    /// Marks a record a test writes on purpose that is no valid event (poison, a broken
    /// contract, raw bytes): the CloudEvents check after the tests
    /// (deploy/local/cloudevents_check.py) counts such records apart instead of failing on them.
    public static let poisonHeader = KafkaHeader(key: "ias-test-poison", value: Array("1".utf8))

    /// The environment of a service process of the tests: free port, own instance id, the test
    /// database of the service, the test broker and secret, short timeouts.
    /// The master key that wraps the case keys of documents: made once per test run, so that a
    /// service restarted by a test reads what it stored before.
    public static let documentMasterKeys: String = {
        var generator = SystemRandomNumberGenerator()
        let key = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return "test-1:" + Data(key).base64EncodedString()
    }()

    /// The master key that wraps the case keys of events, likewise once per test run: every
    /// service of the suite (and a test reading the topics) opens them with it.
    public static let caseKeyMasterKeys: String = {
        var generator = SystemRandomNumberGenerator()
        let key = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return "test-events-1:" + Data(key).base64EncodedString()
    }()

    public static func serviceEnvironment(_ name: String, port: Int, instance: String) throws -> [String: String] {
        var env = ProcessInfo.processInfo.environment
        env["IAS_HTTP_PORT"] = String(port)
        env["IAS_HTTP_HOST"] = "127.0.0.1"
        env.merge(try databaseEnvironment(name)) { $1 }
        env["IAS_KAFKA_BROKERS"] = try brokers
        env["IAS_JWT_SECRET"] = jwtSecret
        env["IAS_DOCUMENT_MASTER_KEYS"] = env["IAS_DOCUMENT_MASTER_KEYS"] ?? documentMasterKeys
        env["IAS_CASE_KEY_MASTER_KEYS"] = env["IAS_CASE_KEY_MASTER_KEYS"] ?? caseKeyMasterKeys
        env["IAS_INSTANCE_ID"] = instance
        env["IAS_SHUTDOWN_SECONDS"] = "10"
        env["IAS_HTTP_READ_TIMEOUT_SECONDS"] = "2"
        return env
    }

    /// The database URLs of service `name` on the test server: its database `ias_<name>`
    /// (deploy/local/lib.sh, create_service_databases) or `database`, made beside it for one test class.
    /// The owner runs the migrations; the service's own role may only what it is granted.
    public static func databaseEnvironment(_ name: String, database: String? = nil) throws -> [String: String] {
        let database = database ?? "ias_\(name)"
        let server = "127.0.0.1:\(try postgresPort)"
        return ["IAS_DATABASE_URL": "postgresql://ias_\(name)@\(server)/\(database)",
                "IAS_DATABASE_MIGRATION_URL": "postgresql://ias_\(name)_owner@\(server)/\(database)"]
    }

    /// A free TCP port on 127.0.0.1 (bound and released; good enough for tests).
    public static func freePort() -> Int {
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
}

/// A failure of a test's own steps (a step that never succeeded, an unexpected answer), with
/// what happened.
public struct TestFailure: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Polls `body` until it returns a value or `seconds` have passed (then nil).
public func eventually<T>(within seconds: Double, every interval: Double = 0.05, _ body: () throws -> T?) rethrows -> T? {
    let deadline = Date().addingTimeInterval(seconds)
    repeat {
        if let value = try body() { return value }
        Thread.sleep(forTimeInterval: interval)
    } while Date() < deadline
    return nil
}

/// Polls `condition` until it holds or `seconds` have passed: whether it came to hold.
public func eventually(within seconds: Double, every interval: Double = 0.05, _ condition: () throws -> Bool) rethrows -> Bool {
    try eventually(within: seconds, every: interval) { () throws -> Bool? in try condition() ? true : nil } ?? false
}
