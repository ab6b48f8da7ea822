import Foundation
import IASRuntime
internal import CRdKafka

/// A group member that stores an offset only when told to (after the message's effect was
/// committed), so a crash redelivers instead of losing messages (at least once).
///
/// Defaults (override through `KafkaConfiguration.properties`): `enable.auto.commit=true`
/// with `enable.auto.offset.store=false` (what is committed every 5 s is only what
/// `storeOffset` stored), `auto.offset.reset=earliest` (a group may begin at the end
/// instead, `NewGroupStart`), `allow.auto.create.topics=true`,
/// `topic.metadata.refresh.interval.ms=5000` (topics created later are found quickly), the
/// default eager assignment strategy, and `queued.max.messages.kbytes=8192`: librdkafka's own
/// default lets every consumer prefetch 64 MB, and a service runs several (a group per
/// subscription, members per group), each filling up while a partition waits (a case key not
/// arrived yet, a database outage); 8 MB is still thousands of events, many batches ahead.
/// Use it from one polling thread; `close` may come from
/// another thread and waits for a running `poll`.
public final class KafkaConsumer: @unchecked Sendable {
    let handle: KafkaHandle
    private let logger: Logger
    private let groupId: String

    /// `newGroupStart`: where partitions the group never committed begin (`NewGroupStart`).
    public init(configuration: KafkaConfiguration, groupId: String, topics: [String], logger: Logger,
                newGroupStart: NewGroupStart = .beginning) throws {
        let logger = logger.with(["group": groupId])
        self.logger = logger
        self.groupId = groupId
        let properties = configuration.librdkafkaProperties([
            "group.id": groupId,
            "enable.auto.commit": "true",
            "enable.auto.offset.store": "false",
            "auto.offset.reset": "earliest",
            "allow.auto.create.topics": "true",
            "topic.metadata.refresh.interval.ms": "5000",
            "queued.max.messages.kbytes": "8192",
            "session.timeout.ms": String(configuration.sessionTimeoutMs),
            "heartbeat.interval.ms": String(configuration.heartbeatIntervalMs),
        ])
        handle = try KafkaHandle(type: RD_KAFKA_CONSUMER, role: "consumer", properties: properties, logger: logger) {
            rd_kafka_conf_set_rebalance_cb($0, kafkaRebalanceCallback)
        }
        if newGroupStart == .end {
            let bounds = try PartitionEnds.read(topics: topics, groupId: groupId, configuration: configuration, timeout: 30, logger: logger)
            handle.context.newPartitionStarts.withLock { $0 = bounds.mapValues(\.high) }
        }
        try handle.use { rk in
            // Client errors and rebalances are then served by rd_kafka_consumer_poll.
            rd_kafka_poll_set_consumer(rk)
            let list = TopicPartitionList.make(topics.map { .init(topic: $0, partition: RD_KAFKA_PARTITION_UA, offset: 0) })
            defer { rd_kafka_topic_partition_list_destroy(list) }
            let code = rd_kafka_subscribe(rk, list)
            guard KafkaError.isSuccess(code) else {
                throw KafkaError(code, "cannot subscribe to \(topics.joined(separator: ","))")
            }
        }
        logger.info("consumer subscribed", ["topics": topics.joined(separator: ",")])
    }

    deinit { close() }

    /// Blocks up to `timeoutMs`; nil on timeout. Partition ends and transient errors (topic
    /// not created yet, broker unreachable) are logged, rate-limited, and return nil, since
    /// librdkafka recovers from them by itself. Fatal errors and a closed consumer throw.
    public func poll(timeoutMs: Int) throws -> KafkaMessage? {
        try handle.context.checkFatal()
        return try handle.use { rk -> KafkaMessage? in
            guard let message = rd_kafka_consumer_poll(rk, Int32(clamping: timeoutMs)) else { return nil }
            defer { rd_kafka_message_destroy(message) }
            let code = message.pointee.err
            switch code {
            case RD_KAFKA_RESP_ERR_NO_ERROR:
                return KafkaMessage(copying: message)
            case RD_KAFKA_RESP_ERR__FATAL:
                throw handle.context.recordFatalError(rk)
            case RD_KAFKA_RESP_ERR__PARTITION_EOF:
                return nil
            default:
                let topic = message.pointee.rkt.map { String(cString: rd_kafka_topic_name($0)) } ?? ""
                let detail = handle.context.security.redact(rd_kafka_message_errstr(message).map { String(cString: $0) } ?? "")
                handle.context.warnRateLimited(
                    "consume\(code.rawValue)\(topic)", "consumer error (librdkafka retries by itself)",
                    ["code": String(cString: rd_kafka_err2name(code)), "topic": topic, "reason": detail])
                return nil
            }
        }
    }

    /// Stores `message.offset + 1` for the next commit. Call only after the message's
    /// effect committed. Throws when the partition was revoked meanwhile: its new owner
    /// receives the message again, so do not retry.
    public func storeOffset(of message: KafkaMessage) throws {
        try storeOffsets(of: [message])
    }

    /// Stores, for each partition among `messages`, the offset after its last message there,
    /// in one call (a batch whose effects committed together). Partitions that could be
    /// stored are stored even when another one fails; the error names the ones that failed.
    /// A revoked partition fails the same way as in `storeOffset(of:)`: do not retry.
    public func storeOffsets(of messages: [KafkaMessage]) throws {
        let next = Self.firstOrLast(messages, last: true)
        guard !next.isEmpty else { return }
        try handle.context.checkFatal()
        try handle.use { rk in
            let list = TopicPartitionList.make(next.map { .init(topic: $0.topic, partition: $0.partition, offset: $0.offset + 1) })
            defer { rd_kafka_topic_partition_list_destroy(list) }
            let code = rd_kafka_offsets_store(rk, list)
            let entries = TopicPartitionList.entries(list)
            handle.context.positions.withLock { known in
                for entry in entries where KafkaError.isSuccess(entry.error) {
                    known[TopicPartition(topic: entry.topic, partition: entry.partition)] = entry.offset
                }
            }
            let revoked = entries.filter { $0.error == RD_KAFKA_RESP_ERR__STATE }
            if !revoked.isEmpty {
                throw KafkaError(
                    code: RD_KAFKA_RESP_ERR__STATE.rawValue,
                    message: "cannot store the offset of " + revoked.map { "\($0.topic)[\($0.partition)]@\($0.offset - 1)" }.joined(separator: ", ")
                        + ": the partition is no longer assigned to this consumer (rebalance); its new owner receives "
                        + "the message again")
            }
            if let failed = entries.first(where: { !KafkaError.isSuccess($0.error) }) {
                throw KafkaError(failed.error, "cannot store the offset of \(failed.topic)[\(failed.partition)]@\(failed.offset - 1)")
            }
            guard KafkaError.isSuccess(code) else { throw KafkaError(code, "cannot store offsets") }
        }
    }

    /// Rewinds the message's partition to the message's offset so that the next polls
    /// deliver it again (retry after a transient failure). Messages of that partition
    /// fetched meanwhile are discarded by librdkafka.
    public func seek(to message: KafkaMessage) throws {
        try rewind(to: [message])
    }

    /// Rewinds every partition among `messages` to its first message there, in one call (the
    /// unapplied rest of a batch). Partitions not among `messages` keep their position.
    public func rewind(to messages: [KafkaMessage]) throws {
        let first = Self.firstOrLast(messages, last: false)
        guard !first.isEmpty else { return }
        try handle.context.checkFatal()
        try handle.use { rk in
            let list = TopicPartitionList.make(first.map { .init(topic: $0.topic, partition: $0.partition, offset: $0.offset) })
            defer { rd_kafka_topic_partition_list_destroy(list) }
            let doing = "cannot seek " + first.map { "\($0.topic)[\($0.partition)] to \($0.offset)" }.joined(separator: ", ")
            if let error = rd_kafka_seek_partitions(rk, list, 10_000) {
                throw KafkaError(consuming: error, doing)
            }
            if let failed = TopicPartitionList.entries(list).first(where: { !KafkaError.isSuccess($0.error) }) {
                throw KafkaError(failed.error, "cannot seek \(failed.topic)[\(failed.partition)] to \(failed.offset)")
            }
        }
    }

    /// Per partition of `messages` (in order of first appearance), its first or last message.
    private static func firstOrLast(_ messages: [KafkaMessage], last: Bool) -> [KafkaMessage] {
        var order: [TopicPartition] = []
        var chosen: [TopicPartition: KafkaMessage] = [:]
        for message in messages {
            let key = TopicPartition(topic: message.topic, partition: message.partition)
            if let current = chosen[key] {
                if last ? message.offset > current.offset : message.offset < current.offset { chosen[key] = message }
            } else {
                order.append(key)
                chosen[key] = message
            }
        }
        return order.map { chosen[$0]! }
    }

    /// Commits the stored offsets now and waits for the broker's answer (shutdown, tests).
    /// Nothing stored is not an error.
    public func commitStoredOffsets() throws {
        try handle.context.checkFatal()
        try handle.use { rk in
            let code = rd_kafka_commit(rk, nil, 0)
            guard KafkaError.isSuccess(code) || code == RD_KAFKA_RESP_ERR__NO_OFFSET else {
                throw KafkaError(code, "cannot commit the stored offsets of group \(groupId)")
            }
        }
    }

    /// Commits the stored offsets, leaves the group (so its partitions move to the other
    /// members at once instead of after the session timeout) and destroys the client.
    /// Idempotent.
    public func close() {
        let logger = self.logger
        let context = handle.context
        handle.retire { rk in
            defer { context.assignment.withLock { $0 = [] } }
            if let fatal = context.fatalError.current {
                logger.warning(
                    "consumer closed after a fatal error without committing or leaving the group; "
                        + "its partitions move to other members after the session timeout",
                    ["error": fatal.description])
                return .skippingConsumerClose
            }
            let commit = rd_kafka_commit(rk, nil, 0)
            if !KafkaError.isSuccess(commit) && commit != RD_KAFKA_RESP_ERR__NO_OFFSET {
                logger.warning(
                    "final commit failed; messages after the last commit will be delivered again",
                    ["error": KafkaError(commit, "commit").description])
            }
            let code = rd_kafka_consumer_close(rk)
            guard KafkaError.isSuccess(code) else {
                logger.warning("leaving the consumer group failed", ["error": KafkaError(code, "close").description])
                // The close did not start; a plain destroy would wait for it forever.
                return .skippingConsumerClose
            }
            return .normal
        }
    }

    /// How many messages each assigned partition holds beyond this member's position: the
    /// offset it stored last, else the group's committed offset, else (nothing committed yet,
    /// `auto.offset.reset=earliest`) the partition's start. High watermarks are librdkafka's
    /// cached values from the last fetch; only when none is cached yet is the broker asked.
    /// May block about `timeoutMs` per broker request: call it from a thread of its own, not
    /// the polling one. Partitions whose figures are unknown (broker unreachable) are left out.
    public func lag(timeoutMs: Int = 1000) throws -> [PartitionLag] {
        let context = handle.context
        let assigned = context.assignment.current.sorted { ($0.topic, $0.partition) < ($1.topic, $1.partition) }
        guard !assigned.isEmpty else { return [] }
        try context.checkFatal()
        return try handle.use { rk -> [PartitionLag] in
            let unknown = assigned.filter { context.positions.current[$0] == nil }
            var committed: [TopicPartition: Int64] = [:]
            var brokerAnswers = true
            if !unknown.isEmpty {
                let list = TopicPartitionList.make(unknown.map { .init(topic: $0.topic, partition: $0.partition, offset: Int64(RD_KAFKA_OFFSET_INVALID)) })
                defer { rd_kafka_topic_partition_list_destroy(list) }
                if KafkaError.isSuccess(rd_kafka_committed(rk, list, Int32(clamping: timeoutMs))) {
                    for entry in TopicPartitionList.entries(list) where KafkaError.isSuccess(entry.error) && entry.offset >= 0 {
                        committed[TopicPartition(topic: entry.topic, partition: entry.partition)] = entry.offset
                    }
                    // Only this member moves an assigned partition's offset: the answer stays
                    // valid until it stores a newer one.
                    context.positions.withLock { known in
                        for (partition, offset) in committed where known[partition] == nil { known[partition] = offset }
                    }
                } else {
                    brokerAnswers = false
                }
            }
            let known = context.positions.current
            var result: [PartitionLag] = []
            for partition in assigned {
                let position = known[partition] ?? committed[partition]
                var low: Int64 = -1, high: Int64 = -1
                _ = rd_kafka_get_watermark_offsets(rk, partition.topic, partition.partition, &low, &high)
                if high < 0 || (position == nil && low < 0) {
                    guard brokerAnswers else { continue }
                    let code = rd_kafka_query_watermark_offsets(rk, partition.topic, partition.partition, &low, &high, Int32(clamping: timeoutMs))
                    guard KafkaError.isSuccess(code), high >= 0 else {
                        brokerAnswers = false   // do not wait once per partition for an unreachable broker
                        continue
                    }
                }
                let from = position ?? max(0, low)
                result.append(PartitionLag(topic: partition.topic, partition: partition.partition, lag: max(0, high - from)))
            }
            return result
        }
    }

    /// The partitions assigned to this member right now (empty before the group join).
    public var assignedPartitions: [(topic: String, partition: Int32)] {
        handle.context.assignment.current
            .sorted { ($0.topic, $0.partition) < ($1.topic, $1.partition) }
            .map { ($0.topic, $0.partition) }
    }

    /// True once the group gave this member its first assignment (possibly empty, when a
    /// group has more members than partitions): from then on it receives what it is owed.
    public var hasJoinedGroup: Bool { handle.context.joinedGroup.current }
}

/// Messages a partition holds beyond a consumer's position (see `KafkaConsumer.lag`).
public struct PartitionLag: Sendable, Equatable {
    public let topic: String
    public let partition: Int32
    public let lag: Int64

    public init(topic: String, partition: Int32, lag: Int64) {
        self.topic = topic; self.partition = partition; self.lag = lag
    }
}
