import Foundation
import IASRuntime
internal import CRdKafka

/// Reads chosen partitions from their beginning without joining a consumer group: for
/// operator tools that read topics again (a projection rebuilt from the topics) and must not
/// move the offsets of any group. It assigns the partitions itself, never subscribes, never
/// commits; its `group.id` only satisfies librdkafka and never appears as a group.
public final class KafkaPartitionReader: @unchecked Sendable {
    /// What one poll returned.
    public enum Read: Sendable {
        case message(KafkaMessage)
        /// The reader is at the current end of this partition (nothing more there now).
        case partitionEnd(TopicPartition)
        /// Nothing within the timeout.
        case nothing
    }

    private let handle: KafkaHandle

    /// Starts reading `partitions` at their earliest retained offset.
    public init(configuration: KafkaConfiguration, partitions: [TopicPartition], logger: Logger) throws {
        handle = try KafkaHandle(
            type: RD_KAFKA_CONSUMER, role: "partition reader",
            properties: configuration.librdkafkaProperties([
                "group.id": "\(configuration.clientId)-reader",
                "enable.auto.commit": "false",
                "enable.auto.offset.store": "false",
                "enable.partition.eof": "true",
                "allow.auto.create.topics": "false",
            ]),
            logger: logger)
        try handle.use { rk in
            rd_kafka_poll_set_consumer(rk)
            let list = TopicPartitionList.make(partitions.map {
                .init(topic: $0.topic, partition: $0.partition, offset: Int64(RD_KAFKA_OFFSET_BEGINNING))
            })
            defer { rd_kafka_topic_partition_list_destroy(list) }
            let code = rd_kafka_assign(rk, list)
            guard KafkaError.isSuccess(code) else {
                throw KafkaError(code, "cannot assign \(partitions.map(\.description).joined(separator: ",")) to the reader")
            }
        }
    }

    deinit { close() }

    /// Blocks up to `timeoutMs`. Transient errors (broker unreachable) are logged, rate-limited,
    /// and read as `.nothing`, since librdkafka recovers from them by itself.
    public func poll(timeoutMs: Int) throws -> Read {
        try handle.context.checkFatal()
        return try handle.use { rk -> Read in
            guard let message = rd_kafka_consumer_poll(rk, Int32(clamping: timeoutMs)) else { return .nothing }
            defer { rd_kafka_message_destroy(message) }
            let m = message.pointee
            let topic = m.rkt.map { String(cString: rd_kafka_topic_name($0)) } ?? ""
            switch m.err {
            case RD_KAFKA_RESP_ERR_NO_ERROR:
                return .message(KafkaMessage(copying: message))
            case RD_KAFKA_RESP_ERR__PARTITION_EOF:
                return .partitionEnd(TopicPartition(topic: topic, partition: m.partition))
            case RD_KAFKA_RESP_ERR__FATAL:
                throw handle.context.recordFatalError(rk)
            default:
                let detail = handle.context.security.redact(rd_kafka_message_errstr(message).map { String(cString: $0) } ?? "")
                handle.context.warnRateLimited(
                    "read\(m.err.rawValue)\(topic)", "reader error (librdkafka retries by itself)",
                    ["code": String(cString: rd_kafka_err2name(m.err)), "topic": topic, "reason": detail])
                return .nothing
            }
        }
    }

    /// Destroys the client; nothing is committed. Idempotent.
    public func close() {
        handle.retire { rk in
            rd_kafka_assign(rk, nil)
            return KafkaError.isSuccess(rd_kafka_consumer_close(rk)) ? .normal : .skippingConsumerClose
        }
    }

    /// The offsets `groupId` has committed on every partition of `topics`: the position up to
    /// which that group has applied the topic. A partition on which the group committed
    /// nothing maps to nil (the group has consumed nothing there). Reads with a client of that
    /// group that never joins it, so the group's members are not disturbed.
    public static func committedOffsets(configuration: KafkaConfiguration, groupId: String, topics: [String], timeout: Double,
                                        logger: Logger) throws -> [TopicPartition: Int64?] {
        let deadline = MonotonicClock.now() + timeout
        return try GroupOffsets.withReader(of: groupId, role: "offset reader", configuration: configuration, logger: logger) { rk in
            var entries: [TopicPartitionList.Entry] = []
            for topic in topics {
                let count = try KafkaAdmin.partitionCount(rk, topic: topic, timeout: max(1, MonotonicClock.remaining(until: deadline)))
                entries += (0..<count).map { .init(topic: topic, partition: Int32($0), offset: Int64(RD_KAFKA_OFFSET_INVALID)) }
            }
            let remainingMs = max(1, MonotonicClock.pollTimeout(until: deadline))
            var result: [TopicPartition: Int64?] = [:]
            for entry in try GroupOffsets.committed(rk, groupId: groupId, entries, timeoutMs: remainingMs) {
                guard KafkaError.isSuccess(entry.error) else {
                    throw KafkaError(entry.error, "cannot read the committed offset of group \(groupId) on \(entry.topic)[\(entry.partition)]")
                }
                result[TopicPartition(topic: entry.topic, partition: entry.partition)] = entry.offset >= 0 ? entry.offset : nil
            }
            return result
        }
    }
}
