import Foundation
import IASKafka
import IASRuntime

/// The broker of `make test`: clients of it, unique topic and group names per test, and
/// reads bounded by deadlines.
public enum TestBroker {
    public static let logger = Logger(label: "test-broker", minimumLevel: .warning)

    public static func configuration(_ clientId: String = "tests") throws -> KafkaConfiguration {
        try KafkaLibrary.requireSupportedVersion()
        return KafkaConfiguration(brokers: try TestEnvironment.brokers, clientId: clientId)
    }

    /// `prefix-<random>`: a topic or group of its own for each test.
    public static func unique(_ prefix: String) -> String {
        "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())"
    }

    /// A new topic with `partitions` partitions.
    public static func makeTopic(_ prefix: String, partitions: Int) throws -> String {
        let topic = unique(prefix)
        let admin = try KafkaAdmin(configuration: configuration("tests-admin"), logger: logger)
        defer { admin.close() }
        try admin.ensureTopics([(name: topic, partitions: partitions)], timeout: 10)
        return topic
    }

    /// Every record of every topic on the broker (the broker's own internal topics aside), each
    /// partition read from its beginning to its current end; throws when that takes longer than `seconds`.
    public static func readEverything(within seconds: Double = 60) throws -> [KafkaMessage] {
        let admin = try KafkaAdmin(configuration: configuration("tests-admin"), logger: logger)
        defer { admin.close() }
        var partitions: [TopicPartition] = []
        for topic in try admin.topicNames(timeout: 10).sorted() where !topic.hasPrefix("__") {
            partitions += (0..<(try admin.partitionCount(topic: topic, timeout: 10))).map { TopicPartition(topic: topic, partition: Int32($0)) }
        }
        let reader = try KafkaPartitionReader(configuration: configuration(unique("tests-read-all")), partitions: partitions, logger: logger)
        defer { reader.close() }
        var remaining = Set(partitions), messages: [KafkaMessage] = []
        let deadline = Date(timeIntervalSinceNow: seconds)
        while !remaining.isEmpty {
            guard Date() < deadline else {
                throw TestFailure("\(remaining.count) partitions not read to their end within \(seconds) s: \(remaining.map(\.description).sorted().prefix(5))")
            }
            switch try reader.poll(timeoutMs: 200) {
            case .message(let message): messages.append(message)
            case .partitionEnd(let partition): remaining.remove(partition)
            case .nothing: break
            }
        }
        return messages
    }

    public static func producer(_ clientId: String = "tests-producer") throws -> KafkaProducer {
        try KafkaProducer(configuration: configuration(clientId), logger: logger)
    }

    /// Produces `records` and throws unless every one was acknowledged.
    public static func produce(_ records: [KafkaRecord]) throws {
        let producer = try producer()
        defer { producer.close(timeout: 5) }
        for (index, result) in producer.send(records, timeout: 15).enumerated() {
            if case .failure(let error) = result { throw TestFailure("record \(index) of \(records.count) was not delivered: \(error)") }
        }
    }

    public static func consumer(group: String, topic: String, clientId: String = "tests-consumer",
                                newGroupStart: NewGroupStart = .beginning) throws -> KafkaConsumer {
        try KafkaConsumer(configuration: configuration(clientId), groupId: group, topics: [topic], logger: logger, newGroupStart: newGroupStart)
    }

    /// Polls until `count` messages arrived or `seconds` passed; stores offsets when asked.
    public static func poll(_ consumer: KafkaConsumer, count: Int, within seconds: Double = 30, store: Bool = false) throws -> [KafkaMessage] {
        let deadline = Date(timeIntervalSinceNow: seconds)
        var messages: [KafkaMessage] = []
        while messages.count < count && Date() < deadline {
            guard let message = try consumer.poll(timeoutMs: 200) else { continue }
            messages.append(message)
            if store { try consumer.storeOffset(of: message) }
        }
        return messages
    }

    /// Up to `count` messages of `topic` from its beginning (a group of their own), within `seconds`.
    public static func read(_ topic: String, count: Int, within seconds: Double) throws -> [KafkaMessage] {
        let consumer = try consumer(group: unique("tests-read"), topic: topic)
        defer { consumer.close() }
        return try poll(consumer, count: count, within: seconds)
    }

    /// The first message of `topic` (from its beginning, a group of its own) that `matches`.
    public static func first(in topic: String, within seconds: Double = 30, where matches: (KafkaMessage) -> Bool) throws -> KafkaMessage? {
        let consumer = try consumer(group: unique("tests-find"), topic: topic)
        defer { consumer.close() }
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let message = try consumer.poll(timeoutMs: 500), matches(message) { return message }
        }
        return nil
    }

    /// The first message of `topic` whose value contains `marker`.
    public static func first(in topic: String, containing marker: String, within seconds: Double = 30) throws -> KafkaMessage? {
        try first(in: topic, within: seconds) { String(decoding: $0.value, as: UTF8.self).contains(marker) }
    }
}
