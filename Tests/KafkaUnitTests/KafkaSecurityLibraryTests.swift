@testable import IASKafka
import IASRuntime
import XCTest

/// The security properties against the librdkafka that is loaded (the project's 2.16 from the
/// confluent-kafka wheel under `make test`): it must accept every one of them, and have been
/// built with TLS and SCRAM at all.
final class KafkaSecurityLibraryTests: XCTestCase {
    private var files: SecretFiles!

    override func setUpWithError() throws { files = try SecretFiles() }
    override func tearDown() { files = nil }

    func testTheLoadedLibraryWasBuiltWithTLSAndSCRAM() {
        let features = KafkaLibrary.builtinFeatures
        XCTAssertTrue(features.isSuperset(of: ["ssl", "sasl_scram", "sasl_plain"]),
                      "librdkafka \(KafkaLibrary.versionString) has builtin.features \(features.sorted())")
        XCTAssertNoThrow(try KafkaLibrary.requireFeatures(for: KafkaSecurity(securityProtocol: .saslSSL, saslMechanism: .scramSHA512)))
    }

    /// Every protocol and mechanism, as `KafkaSecurity.load` would produce them.
    private func combinations() throws -> [KafkaSecurity] {
        let ca = try files.write("ca.pem", SecretFiles.caCertificate)
        var all: [KafkaSecurity] = [.plaintext, KafkaSecurity(securityProtocol: .ssl), KafkaSecurity(securityProtocol: .ssl, sslCAFile: ca)]
        for mechanism in KafkaSecurity.SASLMechanism.allCases {
            all.append(KafkaSecurity(securityProtocol: .saslSSL, saslMechanism: mechanism, saslUsername: "ias-plan",
                                     saslPassword: KafkaPassword("pw"), sslCAFile: ca))
            if mechanism != .plain {
                all.append(KafkaSecurity(securityProtocol: .saslPlaintext, saslMechanism: mechanism, saslUsername: "ias-plan",
                                         saslPassword: KafkaPassword("pw")))
            }
        }
        return all
    }

    func testLibrdkafkaAcceptsEveryPropertyOfEveryCombination() throws {
        for security in try combinations() {
            var configuration = KafkaConfiguration(brokers: "127.0.0.1:1", clientId: "security-unit")
            configuration.security = security
            // rd_kafka_conf_set returns RD_KAFKA_CONF_OK for each property, for each kind of client.
            XCTAssertNoThrow(try NativeConfiguration.check(configuration.librdkafkaProperties([:])), "\(security)")
            XCTAssertNoThrow(try NativeConfiguration.check(configuration.librdkafkaProperties(["group.id": "g"])), "\(security)")
        }
    }

    func testAClientStartsWithEachCombinationIncludingItsCAFile() throws {
        // rd_kafka_new builds the TLS context (loading the CA file) and the SASL mechanism at
        // once; no broker is contacted until the first request.
        let logger = Logger(label: "security-unit", minimumLevel: .error)
        for security in try combinations() {
            var configuration = KafkaConfiguration(brokers: "127.0.0.1:1", clientId: "security-unit")
            configuration.security = security
            configuration.properties["log_level"] = "0"   // its attempts to reach 127.0.0.1:1 are no news
            XCTAssertNoThrow(try KafkaAdmin(configuration: configuration, logger: logger).close(), "\(security)")
        }
    }

    func testAValueLibrdkafkaRejectsIsNamedByItsProperty() {
        var configuration = KafkaConfiguration(brokers: "127.0.0.1:1", clientId: "security-unit")
        configuration.properties["security.protocol"] = "tls"
        XCTAssertThrowsError(try NativeConfiguration.check(configuration.librdkafkaProperties([:]))) { error in
            let text = String(describing: error)
            XCTAssertTrue(text.contains("\"security.protocol\""), text)
        }
    }

    func testTheLibraryLogsNeverShowThePassword() {
        let watch = SecurityWatch(properties: ["security.protocol": "sasl_ssl", "sasl.mechanism": "SCRAM-SHA-512",
                                               "sasl.username": "ias-plan", "sasl.password": "pw-123456"])
        XCTAssertEqual(watch.redact("auth failed for pw-123456 at broker"), "auth failed for (hidden) at broker")
        XCTAssertEqual(watch.summary, "sasl_ssl, SCRAM-SHA-512 as user ias-plan")
        let refusal = watch.recordRefusal(.init(rawValue: -169), reason: "SASL SCRAM-SHA-512 mechanism handshake failed (pw-123456)")
        XCTAssertFalse(refusal.description.contains("pw-123456"), refusal.description)
        XCTAssertEqual(watch.explain(.timedOut("x", after: 1)).code, -169, "a timeout is explained by the recent refusal")
        XCTAssertEqual(watch.explain(KafkaError(code: 3, message: "unknown topic")).code, 3, "other errors stay what they are")
    }
}
