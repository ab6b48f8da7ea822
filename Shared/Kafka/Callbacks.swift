import Foundation
internal import CRdKafka

// librdkafka's callbacks: top-level functions (usable as C function pointers), finding
// their Swift state through the client's opaque pointer (see ClientContext).

/// librdkafka's own log lines, warning and above only. Called from librdkafka's internal
/// threads (no `log.queue`), which is fine: Logger serialises its writes.
func kafkaLogCallback(
    _ rk: OpaquePointer?, _ level: Int32, _ facility: UnsafePointer<CChar>?, _ text: UnsafePointer<CChar>?
) {
    // Syslog levels: 0–3 are errors, 4 is a warning, 5–7 notice, info, debug.
    guard level <= 4, let context = ClientContext.of(rk) else { return }
    let facility = facility.map { String(cString: $0) } ?? ""
    let message = "librdkafka: " + context.security.redact(text.map { String(cString: $0) } ?? "")
    var fields = ["facility": facility]
    if let rk { fields["client"] = String(cString: rd_kafka_name(rk)) }
    // While a broker is down the same line repeats every few milliseconds, differing only
    // in numbers (durations): one per interval is enough.
    let key = "log" + facility + message.filter { !$0.isNumber }
    context.logRateLimited(level <= 3 ? .error : .warning, key, message, fields)
}

/// Client-level errors, served by rd_kafka_poll / rd_kafka_consumer_poll. Most are transient
/// (broker down, name not resolved) and librdkafka keeps retrying; a fatal one is recorded
/// so that the next operation fails with it.
func kafkaErrorCallback(
    _ rk: OpaquePointer?, _ code: Int32, _ reason: UnsafePointer<CChar>?, _ opaque: UnsafeMutableRawPointer?
) {
    guard let rk, let context = ClientContext.of(rk) else { return }
    let error = rd_kafka_resp_err_t(rawValue: code)
    if error == RD_KAFKA_RESP_ERR__FATAL {
        context.recordFatalError(rk)
        return
    }
    let text = context.security.redact(reason.map { String(cString: $0) } ?? "")
    let fields = ["code": String(cString: rd_kafka_err2name(error)), "reason": text, "client": String(cString: rd_kafka_name(rk))]
    if SecurityWatch.isRefusal(error) {
        // Wrong credentials or TLS settings do not heal by waiting: an error, saying what to check.
        let refusal = context.security.recordRefusal(error, reason: text)
        context.logRateLimited(.error, "error\(code)", refusal.message, fields)
        return
    }
    context.warnRateLimited("error\(code)", "Kafka client error (librdkafka retries by itself)", fields)
}

/// One delivery report per produced message, served by the producer's poll thread. The
/// message's opaque is the id registered in the DeliveryTracker.
func kafkaDeliveryCallback(
    _ rk: OpaquePointer?, _ message: UnsafePointer<rd_kafka_message_t>?, _ opaque: UnsafeMutableRawPointer?
) {
    guard let message, let context = ClientContext.of(rk) else { return }
    let id = UInt(bitPattern: message.pointee._private)
    let code = message.pointee.err
    let result: Result<Void, KafkaError>
    if KafkaError.isSuccess(code) {
        result = .success(())
    } else if let fatal = context.fatalError.current {
        result = .failure(fatal)
    } else {
        result = .failure(context.security.explain(KafkaError(code, "record not delivered; send it again later")))
    }
    context.deliveries.complete(id: id, result)
}

/// Partition assignment changes, served inside rd_kafka_consumer_poll and
/// rd_kafka_consumer_close. Setting a rebalance callback makes the application responsible
/// for (un)assigning; the stored offsets of revoked partitions are committed first so that
/// the next owner continues exactly after them.
func kafkaRebalanceCallback(
    _ rk: OpaquePointer?, _ code: rd_kafka_resp_err_t,
    _ partitions: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?, _ opaque: UnsafeMutableRawPointer?
) {
    guard let rk, let context = ClientContext.of(rk) else { return }
    let cooperative = rd_kafka_rebalance_protocol(rk).map { String(cString: $0) } == "COOPERATIVE"
    let changed = TopicPartitionList.partitions(partitions)
    let listed = changed.map(\.description).joined(separator: ",")
    switch code {
    case RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS:
        if let starts = context.newPartitionStarts.current, let partitions {
            anchorUncommittedPartitions(rk, partitions, at: starts, context: context)
        }
        let failure: String?
        if cooperative {
            failure = rd_kafka_incremental_assign(rk, partitions).map { KafkaError(consuming: $0, "assign").description }
        } else {
            let result = rd_kafka_assign(rk, partitions)
            failure = KafkaError.isSuccess(result) ? nil : KafkaError(result, "assign").description
        }
        context.assignment.withLock { current in
            current = cooperative ? Array(Set(current).union(changed)) : changed
        }
        context.positions.withLock { known in changed.forEach { known[$0] = nil } }
        context.joinedGroup.withLock { $0 = true }
        if let failure {
            context.logger.error("partition assignment failed", ["partitions": listed, "error": failure])
        } else {
            context.logger.info("partitions assigned", ["partitions": listed])
        }
    case RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS:
        // Lost partitions already belong to someone else: committing would fail or overwrite.
        if rd_kafka_assignment_lost(rk) == 0 {
            let result = rd_kafka_commit(rk, nil, 0)
            if !KafkaError.isSuccess(result) && result != RD_KAFKA_RESP_ERR__NO_OFFSET {
                context.logger.warning(
                    "commit before giving up partitions failed; their next owner may see some messages again",
                    ["partitions": listed, "error": KafkaError(result, "commit").description])
            }
        }
        if cooperative {
            if let error = rd_kafka_incremental_unassign(rk, partitions) {
                context.logger.error("partition unassignment failed", ["error": KafkaError(consuming: error, "unassign").description])
            }
        } else {
            rd_kafka_assign(rk, nil)
        }
        context.assignment.withLock { current in
            current = cooperative ? current.filter { !changed.contains($0) } : []
        }
        context.positions.withLock { known in changed.forEach { known[$0] = nil } }
        context.logger.info("partitions revoked", ["partitions": listed])
    default:
        rd_kafka_assign(rk, nil)
        context.assignment.withLock { $0 = [] }
        context.positions.withLock { $0 = [:] }
        context.logger.error("rebalance failed; partitions dropped", ["error": KafkaError(code, "rebalance").description])
    }
}
