import Foundation
@testable import IASServiceKit
import IASKafka
import IASPostgres
import IASRuntime
import XCTest

/// The keys that let a second instance replay the topics beside the live one, and the
/// members each consumer runs.
final class ServiceConfigurationTests: XCTestCase {
    private let base = ["IAS_JWT_SECRET": String(repeating: "s", count: 32)]

    private func load(_ extra: [String: String]) throws -> ServiceConfiguration {
        try ServiceConfiguration.load(service: "plan", defaultPort: 8083, environment: base.merging(extra) { $1 })
    }

    func testByDefaultTheRelayRunsAndGroupsKeepTheirNames() throws {
        let configuration = try load([:])
        XCTAssertTrue(configuration.outboxRelay)
        XCTAssertEqual(configuration.consumerGroup(for: "cases"), "ias-plan-cases")
    }

    func testASuffixGivesGroupsOfTheirOwn() throws {
        let configuration = try load(["IAS_CONSUMER_GROUP_SUFFIX": "drain-1a2b", "IAS_OUTBOX_RELAY": "off"])
        XCTAssertFalse(configuration.outboxRelay)
        XCTAssertEqual(configuration.consumerGroup(for: "cases"), "ias-plan-cases-drain-1a2b")
    }

    func testOnlySuffixedGroupsMayStartAtTheEnd() throws {
        XCTAssertEqual(try load([:]).consumerNewGroupStart, .beginning)
        let trial = try load(["IAS_CONSUMER_GROUP_SUFFIX": "browser-1", "IAS_CONSUMER_NEW_GROUP_START": "end"])
        XCTAssertEqual(trial.consumerNewGroupStart, .end)
        XCTAssertThrowsError(try load(["IAS_CONSUMER_NEW_GROUP_START": "end"])) { error in
            let problems = (error as? ConfigurationError)?.problems ?? []
            XCTAssertEqual(problems, ["IAS_CONSUMER_NEW_GROUP_START=end needs IAS_CONSUMER_GROUP_SUFFIX: the service's own groups always begin at the beginning"])
        }
        XCTAssertThrowsError(try load(["IAS_CONSUMER_GROUP_SUFFIX": "x", "IAS_CONSUMER_NEW_GROUP_START": "latest"]))
    }

    func testTheMigrationURLNamesAnOwnerOnlyWhenItDiffersFromTheRuntimeURL() throws {
        let runtime = "postgresql://ias_plan@db:5432/ias_plan"
        XCTAssertNil(try load(["IAS_DATABASE_URL": runtime]).migrationDatabase, "no key: the runtime role migrates")
        XCTAssertNil(try load(["IAS_DATABASE_URL": runtime, "IAS_DATABASE_MIGRATION_URL": runtime]).migrationDatabase)
        let owner = try XCTUnwrap(try load(["IAS_DATABASE_URL": runtime,
                                            "IAS_DATABASE_MIGRATION_URL": "postgresql://ias_plan_owner@db:5432/ias_plan"]).migrationDatabase)
        XCTAssertEqual(owner.url, "postgresql://ias_plan_owner@db:5432/ias_plan")
        XCTAssertEqual(owner.poolSize, 1)
        XCTAssertEqual(owner.applicationName, "ias-plan-migrations")
    }

    /// The instance's name reaches the Kafka client id; the level takes only the four names the
    /// logger writes (not its alias "warn", nor another case).
    func testTheInstanceNameAndTheLogLevel() throws {
        let byDefault = try load([:])
        XCTAssertEqual(byDefault.instanceId, ProcessInfo.processInfo.hostName + "-" + String(getpid()))
        XCTAssertEqual(byDefault.logLevel, .info)
        let given = try load(["IAS_INSTANCE_ID": "plan-2", "IAS_LOG_LEVEL": "warning"])
        XCTAssertEqual(given.instanceId, "plan-2")
        XCTAssertEqual(given.kafka.clientId, "ias-plan-plan-2")
        XCTAssertEqual(given.logLevel, .warning)
        for refused in ["warn", "ERROR", "verbose"] {
            XCTAssertThrowsError(try load(["IAS_LOG_LEVEL": refused])) { error in
                XCTAssertEqual((error as? ConfigurationError)?.problems, ["IAS_LOG_LEVEL=\(refused) must be one of debug, info, warning, error"])
            }
        }
    }

    func testUnusableValuesAreReportedTogether() {
        XCTAssertThrowsError(try load(["IAS_CONSUMER_GROUP_SUFFIX": "a b", "IAS_OUTBOX_RELAY": "sometimes"])) { error in
            let problems = (error as? ConfigurationError)?.problems ?? []
            XCTAssertEqual(problems.count, 2, "\(problems)")
            XCTAssertTrue(problems.contains { $0.hasPrefix("IAS_CONSUMER_GROUP_SUFFIX") })
            XCTAssertTrue(problems.contains { $0.hasPrefix("IAS_OUTBOX_RELAY") })
        }
    }

    func testEachFurtherConsumerMemberWidensTheDefaultPool() throws {
        let base = PostgresConfiguration.defaultPoolSize
        XCTAssertEqual(try load([:]).consumerConcurrency, 1)
        XCTAssertEqual(try load([:]).database.poolSize, base)
        XCTAssertEqual(try load(["IAS_CONSUMER_CONCURRENCY": "2"]).database.poolSize, base + 3)
        XCTAssertEqual(try load(["IAS_CONSUMER_CONCURRENCY": "4", "IAS_DATABASE_POOL_SIZE": "7"]).database.poolSize, 7, "an explicit size wins")
        XCTAssertThrowsError(try load(["IAS_CONSUMER_CONCURRENCY": "0"]))
    }

    func testKafkaSecurityReachesEveryClientAndItsProblemsAreListedWithTheOthers() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("ias-plan-kafka-password-\(UUID().uuidString)")
        try Data("plan-password\n".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let configuration = try load(["IAS_KAFKA_SECURITY_PROTOCOL": "sasl_plaintext", "IAS_KAFKA_SASL_MECHANISM": "SCRAM-SHA-512",
                                      "IAS_KAFKA_SASL_USERNAME": "ias-plan", "IAS_KAFKA_SASL_PASSWORD_FILE": file.path])
        XCTAssertEqual(configuration.kafka.security.saslUsername, "ias-plan")
        XCTAssertEqual(configuration.kafka.security.saslPassword, KafkaPassword("plan-password"))

        XCTAssertThrowsError(try load(["IAS_KAFKA_SECURITY_PROTOCOL": "sasl_ssl", "IAS_OUTBOX_RELAY": "sometimes"])) { error in
            let problems = (error as? ConfigurationError)?.problems ?? []
            XCTAssertTrue(problems.contains { $0.hasPrefix("IAS_OUTBOX_RELAY") }, "\(problems)")
            XCTAssertTrue(problems.contains { $0.hasPrefix("IAS_KAFKA_SASL_USERNAME is not set") }, "\(problems)")
            XCTAssertTrue(problems.contains { $0.hasPrefix("IAS_KAFKA_SASL_PASSWORD_FILE is not set") }, "\(problems)")
        }
    }

    /// Every service opens the sealed personal data of events: without usable master keys of
    /// the case keys it does not start, and names the key to set.
    func testAServiceWithoutUsableCaseKeyMasterKeysDoesNotStart() {
        for (environment, expected) in [([String: String](), "neither IAS_CASE_KEY_MASTER_KEYS nor IAS_CASE_KEY_MASTER_KEYS_FILE is set"),
                                        (["IAS_CASE_KEY_MASTER_KEYS": "k1:c2hvcnQ="], "the master key \"k1\" in IAS_CASE_KEY_MASTER_KEYS is 5 bytes")] {
            XCTAssertThrowsError(try ServiceHost(service: "plan", defaultPort: 0, publishes: [], migrations: [], openAPI: Data("{}".utf8),
                                                 environment: base.merging(environment) { $1 })) { error in
                let problems = (error as? ConfigurationError)?.problems ?? []
                XCTAssertEqual(problems.count, 1, "\(error)")
                XCTAssertTrue(problems.first?.hasPrefix(expected) ?? false, "\(problems)")
            }
        }
    }
}
