import Foundation
import IASRuntime
internal import CRdKafka

/// What a consumer group has committed, read from outside the group: by a consumer-type client
/// with the group's id that never subscribes and never commits, so that the group's members
/// are not disturbed (no rebalance, no moved offsets).
enum GroupOffsets {
    /// Runs `body` with such a client of `groupId`; `properties` add to the reader's settings.
    static func withReader<T>(of groupId: String, role: String, configuration: KafkaConfiguration,
                              properties: [String: String] = [:], logger: Logger,
                              _ body: (OpaquePointer) throws -> T) throws -> T {
        let reader = try KafkaHandle(
            type: RD_KAFKA_CONSUMER, role: role,
            properties: configuration.librdkafkaProperties([
                "group.id": groupId, "enable.auto.commit": "false", "allow.auto.create.topics": "false",
            ].merging(properties) { $1 }),
            logger: logger)
        defer {
            reader.retire { rk in KafkaError.isSuccess(rd_kafka_consumer_close(rk)) ? .normal : .skippingConsumerClose }
        }
        return try reader.useExplainingRefusals(body)
    }

    /// The committed offset of each of `partitions` (negative where the group committed nothing),
    /// with the error of a partition the broker could not answer for.
    static func committed(_ rk: OpaquePointer, groupId: String, _ partitions: [TopicPartitionList.Entry],
                          timeoutMs: Int32) throws -> [TopicPartitionList.Entry] {
        let list = TopicPartitionList.make(partitions)
        defer { rd_kafka_topic_partition_list_destroy(list) }
        let code = rd_kafka_committed(rk, list, timeoutMs)
        guard KafkaError.isSuccess(code) else { throw KafkaError(code, "cannot read the committed offsets of group \(groupId)") }
        return TopicPartitionList.entries(list)
    }
}
