import Foundation
import IASKafka
import IASRuntime
import XCTest

/// Shared set-up of the integration tests: the broker from `IAS_TEST_KAFKA_BROKERS`, unique
/// topic and group names per test, and poll loops bounded by deadlines.
enum KafkaTestSupport {
    static let logger = Logger(label: "kafka-integration-tests", minimumLevel: .info)

    /// Fails (never skips) when the variable is missing: a silently skipped broker test
    /// would look like a passing one.
    static func brokers() throws -> String {
        guard let value = ProcessInfo.processInfo.environment["IAS_TEST_KAFKA_BROKERS"], !value.isEmpty else {
            throw SetupError(
                "IAS_TEST_KAFKA_BROKERS is not set: start a Kafka-compatible broker and set it to its bootstrap "
                    + "servers, for example IAS_TEST_KAFKA_BROKERS=127.0.0.1:19399")
        }
        return value
    }

    static func configuration(_ clientId: String = "kafka-tests") throws -> KafkaConfiguration {
        try KafkaLibrary.requireSupportedVersion()
        return KafkaConfiguration(brokers: try brokers(), clientId: clientId)
    }

    static func unique(_ prefix: String) -> String {
        "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())"
    }

    /// A new topic with `partitions` partitions.
    static func makeTopic(_ prefix: String, partitions: Int) throws -> String {
        let topic = unique(prefix)
        let admin = try KafkaAdmin(configuration: configuration("kafka-tests-admin"), logger: logger)
        defer { admin.close() }
        try admin.ensureTopics([(name: topic, partitions: partitions)], timeout: 10)
        return topic
    }

    /// Records of raw bytes (the client is tested, not events), marked as such: the CloudEvents
    /// check after the tests (deploy/local/cloudevents_check.py) counts them apart.
    static func records(topic: String, count: Int, from start: Int = 0) -> [KafkaRecord] {
        (start..<start + count).map { i in
            KafkaRecord(
                topic: topic, key: Array("key-\(i % 7)".utf8), value: Array("value-\(i)".utf8),
                headers: [KafkaHeader(key: "index", value: Array(String(i).utf8)), notAnEvent])
        }
    }

    /// The marker of a record that is no event on purpose (`ias-test-poison`).
    static let notAnEvent = KafkaHeader(key: "ias-test-poison", value: Array("1".utf8))

    /// Produces and asserts that every record was acknowledged.
    static func produce(_ records: [KafkaRecord], file: StaticString = #filePath, line: UInt = #line) throws {
        let producer = try KafkaProducer(configuration: configuration("kafka-tests-producer"), logger: logger)
        defer { producer.close(timeout: 5) }
        let results = producer.send(records, timeout: 15)
        for (index, result) in results.enumerated() {
            if case .failure(let error) = result {
                XCTFail("record \(index) not delivered: \(error)", file: file, line: line)
            }
        }
    }

    static func consumer(group: String, topic: String) throws -> KafkaConsumer {
        try KafkaConsumer(configuration: configuration("kafka-tests-consumer"), groupId: group, topics: [topic], logger: logger)
    }

    /// Polls until `count` messages arrived or `seconds` passed; stores offsets when asked.
    static func poll(
        _ consumer: KafkaConsumer, count: Int, within seconds: Double = 30, store: Bool = false
    ) throws -> [KafkaMessage] {
        let deadline = Date(timeIntervalSinceNow: seconds)
        var messages: [KafkaMessage] = []
        while messages.count < count && Date() < deadline {
            guard let message = try consumer.poll(timeoutMs: 200) else { continue }
            messages.append(message)
            if store { try consumer.storeOffset(of: message) }
        }
        return messages
    }

    /// The index header written by `records(topic:count:from:)`.
    static func index(_ message: KafkaMessage) -> Int? {
        message.header("index").flatMap { Int(String(decoding: $0, as: UTF8.self)) }
    }
}

struct SetupError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
