import Foundation
import IASKafka
import IASRuntime
import TestSupport
import XCTest

/// A client configured for SASL against the plaintext test broker: the broker refuses the
/// handshake, librdkafka retries for ever, and the caller must get a clear error within its
/// timeout, naming what to check and never the password, instead of waiting or a bare timeout.
final class KafkaSecurityRefusalTests: XCTestCase {
    private let password = "refusal-test-password-0123456789"

    private func saslConfiguration() throws -> KafkaConfiguration {
        var configuration = try TestBroker.configuration("sasl-refusal")
        configuration.security = KafkaSecurity(securityProtocol: .saslPlaintext, saslMechanism: .scramSHA512,
                                               saslUsername: "ias-refused", saslPassword: KafkaPassword(password))
        return configuration
    }

    private func assertClearRefusal(_ error: Error, file: StaticString = #filePath, line: UInt = #line) {
        let text = String(describing: error)
        XCTAssertEqual((error as? KafkaError)?.name, "_AUTHENTICATION", text, file: file, line: line)
        XCTAssertTrue(text.contains("refused the connection"), text, file: file, line: line)
        XCTAssertTrue(text.contains("SCRAM-SHA-512 as user ias-refused"), text, file: file, line: line)
        XCTAssertTrue(text.contains("SASL"), "librdkafka's reason is kept: \(text)", file: file, line: line)
        XCTAssertFalse(text.contains(password), "the password shows: \(text)", file: file, line: line)
    }

    func testTheAdminClientFailsWithinItsTimeoutNamingTheRefusal() throws {
        let admin = try KafkaAdmin(configuration: try saslConfiguration(), logger: TestBroker.logger)
        defer { admin.close() }
        let started = Date()
        XCTAssertThrowsError(try admin.ensureTopics([(name: TestBroker.unique("refused"), partitions: 1)], timeout: 5)) {
            assertClearRefusal($0)
        }
        XCTAssertLessThan(Date().timeIntervalSince(started), 15, "ensureTopics must end near its timeout")
    }

    func testAProducerReportsTheRefusalForEachRecordItCouldNotSend() throws {
        let producer = try KafkaProducer(configuration: try saslConfiguration(), logger: TestBroker.logger)
        defer { producer.close(timeout: 1) }
        XCTAssertFalse(producer.ping(timeoutMs: 2000), "a refused client is not ready")
        let started = Date()
        let results = producer.send(TestBroker.records(topic: TestBroker.unique("refused"), count: 2), timeout: 4)
        XCTAssertLessThan(Date().timeIntervalSince(started), 10)
        XCTAssertEqual(results.count, 2)
        for result in results {
            guard case .failure(let error) = result else { return XCTFail("a record went through a refused connection") }
            assertClearRefusal(error)
        }
    }

    func testTheSameClientWithoutSASLStillWorks() throws {
        // The refusal is the broker's answer to SASL, not a broken broker.
        let admin = try KafkaAdmin(configuration: try TestBroker.configuration("sasl-refusal-control"), logger: TestBroker.logger)
        defer { admin.close() }
        XCTAssertNoThrow(try admin.ensureTopics([(name: TestBroker.unique("accepted"), partitions: 1)], timeout: 10))
    }
}
