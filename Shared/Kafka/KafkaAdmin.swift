import Foundation
import IASRuntime
internal import CRdKafka

/// Topic set-up and consumer-lag queries.
public final class KafkaAdmin: @unchecked Sendable {
    private let configuration: KafkaConfiguration
    private let logger: Logger
    private let handle: KafkaHandle
    /// Replication factor of topics it creates; -1 (default) uses the broker's
    /// `default.replication.factor`.
    public let replicationFactor: Int

    public init(configuration: KafkaConfiguration, logger: Logger, replicationFactor: Int = -1) throws {
        self.configuration = configuration
        self.logger = logger
        self.replicationFactor = replicationFactor
        // Admin requests run on a producer-type client; it sends no records.
        handle = try KafkaHandle(
            type: RD_KAFKA_PRODUCER, role: "admin client",
            // Asking for metadata must not create the topic asked about.
            properties: configuration.librdkafkaProperties(["allow.auto.create.topics": "false"]),
            logger: logger)
    }

    deinit { close() }

    /// Creates those of `topics` that do not exist yet, so it is safe at every start; "already
    /// exists" counts as success. Blocks up to about `timeout` seconds.
    ///
    /// Only the missing ones are asked for: on a cluster with ACLs a program may read or write a
    /// topic without being allowed to create it, and the brokers answer a request to create an
    /// existing topic with "not authorised" then. A timeout that a refused connection caused
    /// is reported as that refusal (wrong credentials, see SecurityWatch).
    /// `configs` are topic settings of a topic it creates (a compacted one's cleanup.policy);
    /// an existing topic is left as it is (deploy/k8s/base/create-topics.sh enforces them).
    public func ensureTopics(_ topics: [(name: String, partitions: Int)], configs: [String: [String: String]] = [:],
                             timeout: Double) throws {
        guard !topics.isEmpty else { return }
        try handle.useExplainingRefusals { rk in
            // Nobody else polls this client: serve its queued errors and logs here.
            rd_kafka_poll(rk, 0)
            let existing = try Self.topicNames(rk, timeout: timeout)
            let missing = topics.filter { !existing.contains($0.name) }
            guard !missing.isEmpty else { return }
            try create(missing, configs: configs, rk, timeout: timeout)
        }
    }

    /// The topics the cluster shows this client (on a cluster with ACLs, those it may describe).
    static func topicNames(_ rk: OpaquePointer, timeout: Double) throws -> Set<String> {
        var metadata: UnsafePointer<rd_kafka_metadata_t>?
        let code = rd_kafka_metadata(rk, 1, nil, &metadata, Int32(clamping: Int(timeout * 1000)))
        defer { if let metadata { rd_kafka_metadata_destroy(metadata) } }
        guard KafkaError.isSuccess(code), let metadata else { throw KafkaError(code, "cannot list the topics") }
        var names: Set<String> = []
        for index in 0..<Int(metadata.pointee.topic_cnt) {
            let topic = metadata.pointee.topics[index]
            if topic.err != RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART { names.insert(String(cString: topic.topic)) }
        }
        return names
    }

    private func create(_ topics: [(name: String, partitions: Int)], configs: [String: [String: String]], _ rk: OpaquePointer,
                        timeout: Double) throws {
        let milliseconds = Int32(clamping: Int(timeout * 1000))
        var buffer = ErrorBuffer()
        var newTopics: [OpaquePointer?] = []
        defer { for topic in newTopics { rd_kafka_NewTopic_destroy(topic) } }
        for topic in topics {
            guard let newTopic = rd_kafka_NewTopic_new(
                topic.name, Int32(clamping: topic.partitions), Int32(clamping: replicationFactor), &buffer.bytes, buffer.bytes.count)
            else {
                throw KafkaError(
                    code: RD_KAFKA_RESP_ERR__INVALID_ARG.rawValue,
                    message: "invalid topic \(topic.name) with \(topic.partitions) partitions: \(buffer.text)")
            }
            newTopics.append(newTopic)
            for (name, value) in configs[topic.name] ?? [:] where rd_kafka_NewTopic_set_config(newTopic, name, value) != RD_KAFKA_RESP_ERR_NO_ERROR {
                throw KafkaError(code: RD_KAFKA_RESP_ERR__INVALID_ARG.rawValue, message: "invalid setting \(name)=\(value) of topic \(topic.name)")
            }
        }
        let options = rd_kafka_AdminOptions_new(rk, RD_KAFKA_ADMIN_OP_CREATETOPICS)
        defer { rd_kafka_AdminOptions_destroy(options) }
        rd_kafka_AdminOptions_set_request_timeout(options, milliseconds, &buffer.bytes, buffer.bytes.count)
        // The broker answers only once the topics exist (or this passed).
        rd_kafka_AdminOptions_set_operation_timeout(options, milliseconds, &buffer.bytes, buffer.bytes.count)
        let queue = rd_kafka_queue_new(rk)
        defer { rd_kafka_queue_destroy(queue) }
        rd_kafka_CreateTopics(rk, &newTopics, newTopics.count, options, queue)
        guard let event = rd_kafka_queue_poll(queue, milliseconds + 1000) else {
            throw KafkaError.timedOut("creating topics", after: timeout)
        }
        defer { rd_kafka_event_destroy(event) }
        let code = rd_kafka_event_error(event)
        guard KafkaError.isSuccess(code) else {
            let detail = rd_kafka_event_error_string(event).map { String(cString: $0) } ?? ""
            throw KafkaError(code: code.rawValue, message: "creating topics failed: \(detail)")
        }
        var count = 0
        guard let results = rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(event), &count) else {
            return
        }
        var failures: [String] = []
        var created: [String] = []
        for index in 0..<count {
            let result = results[index]
            let name = String(cString: rd_kafka_topic_result_name(result))
            let topicCode = rd_kafka_topic_result_error(result)
            if KafkaError.isSuccess(topicCode) {
                created.append(name)
            } else if topicCode != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS {
                let detail = rd_kafka_topic_result_error_string(result).map { String(cString: $0) } ?? ""
                failures.append("\(name): \(String(cString: rd_kafka_err2name(topicCode))) \(detail)")
            }
        }
        if !created.isEmpty { logger.info("topics created", ["topics": created.joined(separator: ",")]) }
        guard failures.isEmpty else {
            throw KafkaError(
                code: RD_KAFKA_RESP_ERR__FAIL.rawValue,
                message: "cannot create topics (\(failures.joined(separator: "; "))); check broker permissions and limits")
        }
    }

    /// The topics the cluster shows this client (on a cluster with ACLs, those it may describe).
    public func topicNames(timeout: Double) throws -> Set<String> {
        try handle.useExplainingRefusals { rk in try Self.topicNames(rk, timeout: timeout) }
    }

    /// The number of partitions of `topic`; throws when it does not exist.
    public func partitionCount(topic: String, timeout: Double) throws -> Int {
        try handle.useExplainingRefusals { rk in try Self.partitionCount(rk, topic: topic, timeout: timeout) }
    }

    /// How many messages of `topic` the group has not committed yet: the sum over its
    /// partitions of the end offset minus the committed offset (minus the start offset where
    /// the group committed nothing, since it would start from the earliest message).
    public func lag(groupId: String, topic: String, timeout: Double) throws -> Int64 {
        let deadline = MonotonicClock.now() + timeout
        func remainingMs() -> Int32 { max(1, MonotonicClock.pollTimeout(until: deadline)) }
        return try GroupOffsets.withReader(of: groupId, role: "lag reader", configuration: configuration,
                                           properties: ["fetch.wait.max.ms": "100"], logger: logger) { rk -> Int64 in
            let partitions = try Self.partitionCount(rk, topic: topic, timeout: timeout)
            let committed = try GroupOffsets.committed(rk, groupId: groupId, (0..<partitions).map {
                .init(topic: topic, partition: Int32($0), offset: Int64(RD_KAFKA_OFFSET_INVALID))
            }, timeoutMs: remainingMs())
            let bounds = try PartitionEnds.read(rk, committed.map { TopicPartition(topic: topic, partition: $0.partition) }, deadline: deadline)
            var lag: Int64 = 0
            for entry in committed {
                guard let end = bounds[TopicPartition(topic: topic, partition: entry.partition)] else { continue }
                lag += max(0, end.high - (entry.offset >= 0 ? entry.offset : end.low))
            }
            return lag
        }
    }

    static func partitionCount(_ rk: OpaquePointer, topic: String, timeout: Double) throws -> Int {
        guard let rkt = rd_kafka_topic_new(rk, topic, nil) else {
            throw KafkaError(rd_kafka_last_error(), "invalid topic name \(topic)")
        }
        defer { rd_kafka_topic_destroy(rkt) }
        var metadata: UnsafePointer<rd_kafka_metadata_t>?
        let code = rd_kafka_metadata(rk, 0, rkt, &metadata, Int32(clamping: Int(timeout * 1000)))
        defer { if let metadata { rd_kafka_metadata_destroy(metadata) } }
        guard KafkaError.isSuccess(code), let metadata, metadata.pointee.topic_cnt > 0 else {
            throw KafkaError(code, "cannot read the metadata of topic \(topic)")
        }
        let entry = metadata.pointee.topics[0]
        guard KafkaError.isSuccess(entry.err) else {
            throw KafkaError(entry.err, "topic \(topic) is not available; create it first (ensureTopics)")
        }
        return Int(entry.partition_cnt)
    }

    /// Destroys the client. Idempotent.
    public func close() {
        handle.retire { _ in .normal }
    }
}
