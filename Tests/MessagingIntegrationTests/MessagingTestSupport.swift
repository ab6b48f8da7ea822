import Foundation
import IASKafka
import IASMessaging
import IASPostgres
import IASRuntime
import XCTest

/// A fresh database with the messaging tables, and the broker of `make test`.
enum MessagingTestSupport {
    static let logger = Logger(label: "messaging-tests", minimumLevel: .warning)

    static func required(_ key: String) -> String {
        guard let value = ProcessInfo.processInfo.environment[key], !value.isEmpty else {
            fatalError("\(key) is not set: run the tests with `make test`, which starts PostgreSQL and the broker")
        }
        return value
    }

    static var brokers: String { required("IAS_TEST_KAFKA_BROKERS") }

    /// Creates a new database for one test class and applies the messaging migrations.
    static func freshPool(poolSize: Int = 4) throws -> PostgresPool {
        let adminURL = required("IAS_TEST_DATABASE_URL")
        let name = "ias_msg_\(UUID().uuidString.prefix(8).lowercased())"
        let admin = PostgresPool(configuration: PostgresConfiguration(url: adminURL), logger: logger)
        defer { admin.close() }
        try admin.withConnection { try $0.execute("CREATE DATABASE \(name)") }   // name is generated here, not input
        guard let slash = adminURL.lastIndex(of: "/") else { fatalError("IAS_TEST_DATABASE_URL has no database name") }
        var configuration = PostgresConfiguration(url: adminURL[..<slash] + "/" + name)
        configuration.poolSize = poolSize
        let pool = PostgresPool(configuration: configuration, logger: logger)
        _ = try Migrator(pool: pool, component: "messaging", migrations: try MessagingMigrations.load(), logger: logger).migrate()
        return pool
    }

    static func envelope(subject: String = Identifier().description, type: String = "test.Something") -> EventEnvelope {
        EventEnvelope(type: type, source: "/ias/test", subject: subject, correlationid: Identifier(),
                      actorsub: "tester", actororg: "canton:KSD", data: .object(["n": .number(1)]))
    }

    /// Reads every message of `topic` that arrives within `seconds`.
    static func consumeAll(_ topic: String, expecting count: Int, within seconds: Double) throws -> [KafkaMessage] {
        let consumer = try KafkaConsumer(configuration: KafkaConfiguration(brokers: brokers, clientId: "msg-tests"),
                                         groupId: "msg-tests-\(UUID().uuidString)", topics: [topic], logger: logger)
        defer { consumer.close() }
        var messages: [KafkaMessage] = []
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline, messages.count < count {
            if let message = try consumer.poll(timeoutMs: 250) { messages.append(message) }
        }
        return messages
    }
}
