import Foundation
import IASKafka
import IASRuntime
import TestSupport

/// The broker's ceiling on this machine, measured with the same client library and the same
/// client code as the services: idempotent produce in batches with delivery reports (as the
/// outbox relay does), then one group member consuming and storing every offset (as the
/// event processors do). Nothing of the services runs in between, so this is what the broker
/// and librdkafka can do alone.
struct BrokerCeiling: Codable {
    let messages: Int
    let messageBytes: Int
    let produce_per_s: Double
    let consume_per_s: Double

    static func measure(brokers: String, messages: Int, logger: Logger) throws -> BrokerCeiling {
        let topic = "bench.ceiling.\(UUID().uuidString.prefix(8).lowercased())"
        // About the size of a real event envelope.
        let value = Array(repeating: UInt8(ascii: "x"), count: 700)
        let producer = try KafkaProducer(configuration: KafkaConfiguration(brokers: brokers, clientId: "ias-bench"), logger: logger)
        defer { producer.close(timeout: 5) }
        // Creates the topic (auto-create) before the timing starts.
        _ = producer.send([KafkaRecord(topic: topic, key: Array("warm".utf8), value: value)], timeout: 30)

        let batch = 500
        let start = RunClock()
        var sent = 0
        while sent < messages {
            let n = min(batch, messages - sent)
            let records = (0..<n).map { KafkaRecord(topic: topic, key: Array("case-\((sent + $0) % 997)".utf8), value: value) }
            let results = producer.send(records, timeout: 60)
            let failures = results.filter { if case .failure = $0 { return true } else { return false } }.count
            guard failures == 0 else { throw BenchError("the broker refused \(failures) of \(n) ceiling messages") }
            sent += n
        }
        let produceSeconds = start.now

        var configuration = KafkaConfiguration(brokers: brokers, clientId: "ias-bench")
        configuration.properties["auto.offset.reset"] = "earliest"
        let consumer = try KafkaConsumer(configuration: configuration, groupId: "bench-\(topic)", topics: [topic], logger: logger)
        defer { consumer.close() }
        var received = 0
        var firstAt: Double?
        let clock = RunClock()
        while received < messages + 1 {
            guard clock.now < 120 else { throw BenchError("consumed only \(received) of \(messages + 1) ceiling messages in 120 s") }
            guard let message = try consumer.poll(timeoutMs: 200) else { continue }
            if firstAt == nil { firstAt = clock.now }
            try consumer.storeOffset(of: message)
            received += 1
        }
        let consumeSeconds = clock.now - (firstAt ?? 0)
        return BrokerCeiling(messages: messages, messageBytes: value.count,
                             produce_per_s: Double(messages) / produceSeconds, consume_per_s: Double(messages) / consumeSeconds)
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
