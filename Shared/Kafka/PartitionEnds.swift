import Foundation
import IASRuntime
internal import CRdKafka

/// Where partitions begin and end now: the offset of their first retained record and the one
/// their next record will get. The broker is asked (ListOffsets), and a non-empty partition is
/// then fetched from its last listed record, whose response carries the end: some
/// Kafka-compatible brokers (Tansu 0.6) answer "latest" with the offset after the first record
/// of the last batch, which would put the end inside that batch.
enum PartitionEnds {
    struct Bounds: Equatable { var low: Int64; var high: Int64 }

    /// `rk`: a consumer-type client of no group's assignment (it assigns the partitions itself
    /// for the fetch, and unassigns them). A partition whose fetch does not answer before
    /// `deadline` keeps the broker's answer, which may be too low.
    static func read(_ rk: OpaquePointer, _ partitions: [TopicPartition], deadline: Double) throws -> [TopicPartition: Bounds] {
        func remainingMs() -> Int32 { max(1, MonotonicClock.pollTimeout(until: deadline)) }
        var bounds: [TopicPartition: Bounds] = [:]
        for partition in partitions {
            var low: Int64 = 0, high: Int64 = 0
            let code = rd_kafka_query_watermark_offsets(rk, partition.topic, partition.partition, &low, &high, remainingMs())
            guard KafkaError.isSuccess(code) else { throw KafkaError(code, "cannot read the offsets of \(partition)") }
            bounds[partition] = Bounds(low: low, high: high)
        }
        let nonEmpty = bounds.filter { $0.value.high > $0.value.low }
        guard !nonEmpty.isEmpty else { return bounds }
        let list = TopicPartitionList.make(nonEmpty.map { .init(topic: $0.key.topic, partition: $0.key.partition, offset: $0.value.high - 1) })
        defer { rd_kafka_topic_partition_list_destroy(list) }
        guard KafkaError.isSuccess(rd_kafka_assign(rk, list)) else { return bounds }
        defer { rd_kafka_assign(rk, nil) }
        var fetched = Set<TopicPartition>()
        while fetched.count < nonEmpty.count && MonotonicClock.now() < deadline {
            if let message = rd_kafka_consumer_poll(rk, 50) { rd_kafka_message_destroy(message) }
            for partition in nonEmpty.keys where !fetched.contains(partition) {
                var low: Int64 = 0, high: Int64 = -1
                let code = rd_kafka_get_watermark_offsets(rk, partition.topic, partition.partition, &low, &high)
                guard KafkaError.isSuccess(code), high >= 0 else { continue }
                if let listed = bounds[partition], listed.high < high { bounds[partition] = Bounds(low: listed.low, high: high) }
                fetched.insert(partition)
            }
        }
        return bounds
    }

    /// The bounds of every partition of those of `topics` that exist, read with a client of
    /// `groupId` that never joins it (`GroupOffsets.withReader`).
    static func read(topics: [String], groupId: String, configuration: KafkaConfiguration, timeout: Double,
                     logger: Logger) throws -> [TopicPartition: Bounds] {
        let deadline = MonotonicClock.now() + timeout
        return try GroupOffsets.withReader(of: groupId, role: "end reader", configuration: configuration,
                                           properties: ["fetch.wait.max.ms": "100"], logger: logger) { rk in
            let existing = try KafkaAdmin.topicNames(rk, timeout: max(1, MonotonicClock.remaining(until: deadline)))
            var partitions: [TopicPartition] = []
            for topic in topics where existing.contains(topic) {
                let count = try KafkaAdmin.partitionCount(rk, topic: topic, timeout: max(1, MonotonicClock.remaining(until: deadline)))
                partitions += (0..<count).map { TopicPartition(topic: topic, partition: Int32($0)) }
            }
            return try read(rk, partitions, deadline: deadline)
        }
    }
}
