import Foundation
import IASRuntime
internal import CRdKafka

/// An idempotent producer whose `send` returns only after librdkafka's delivery report for
/// each record: a record counts as delivered only when the broker acknowledged it.
///
/// Defaults (override through `KafkaConfiguration.properties`): `enable.idempotence=true`
/// (implies `acks=all`, no duplicates or reordering from retries), `linger.ms=5`,
/// `compression.type=none`. A thread of its own serves `rd_kafka_poll`, which is where
/// delivery reports and client errors arrive.
public final class KafkaProducer: @unchecked Sendable {
    /// The client in use. A fatal error (for example the broker fencing the idempotent
    /// session after messages timed out during an outage) makes a librdkafka client unusable
    /// for good: the next `send` replaces it with a new client and a new session instead of
    /// failing forever. Records of the old client were reported failed and are sent again by
    /// their caller (the outbox keeps them).
    private let current: Locked<KafkaHandle>
    private let makeHandle: @Sendable () throws -> KafkaHandle
    private let logger: Logger
    private let closed = Locked(false)

    var handle: KafkaHandle { current.current }

    /// How many times the client was replaced after a fatal error.
    public var replacements: Int { replacementCount.current }
    private let replacementCount = Locked(0)

    public init(configuration: KafkaConfiguration, logger: Logger) throws {
        self.logger = logger
        let properties = configuration.librdkafkaProperties([
            "enable.idempotence": "true",
            "acks": "all",
            "linger.ms": "5",
            "compression.type": "none",
        ])
        makeHandle = {
            let handle = try KafkaHandle(type: RD_KAFKA_PRODUCER, role: "producer", properties: properties, logger: logger) {
                rd_kafka_conf_set_dr_msg_cb($0, kafkaDeliveryCallback)
            }
            // Ends when the handle is retired (close); each lease lasts one short poll.
            _ = try WorkerThread.start(AnyWorker("kafka-producer-poll", run: { _ in
                while (try? handle.use({ rd_kafka_poll($0, 100) })) != nil {}
            }))
            return handle
        }
        current = Locked(try makeHandle())
    }

    /// Replaces a client that hit a fatal error; nil when that worked (or another caller
    /// already did it), else the error to report.
    private func replace(_ broken: KafkaHandle, after fatal: KafkaError) -> KafkaError? {
        let outcome: Result<KafkaHandle?, KafkaError> = current.withLock { handle in
            guard handle === broken else { return .success(nil) }   // replaced meanwhile
            guard !closed.current else { return .failure(fatal) }
            do {
                handle = try makeHandle()
                return .success(broken)
            } catch {
                return .failure(error as? KafkaError ?? fatal)
            }
        }
        switch outcome {
        case .success(let old?):
            replacementCount.withLock { $0 += 1 }
            logger.warning("the producer session ended (fatal error or fenced); replaced by a new client", ["error": fatal.description])
            Self.discard(old)
            return nil
        case .success(nil): return nil
        case .failure(let error): return error
        }
    }

    private static func discard(_ handle: KafkaHandle) {
        handle.retire { rk in
            rd_kafka_purge(rk, Int32(RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT))
            rd_kafka_poll(rk, 0)
            return .normal
        }
    }

    deinit { close(timeout: 2) }

    /// Enqueues every record in order and blocks until a delivery report arrived for each or
    /// `timeout` seconds passed. Results are in input order; a record without a report in
    /// time fails with a timeout, but librdkafka keeps trying it until `message.timeout.ms`
    /// (default 300000) expires, so sending it again may produce a duplicate (consumers drop
    /// those). A `timeout` longer than `message.timeout.ms` gives a definite answer per record.
    public func send(_ records: [KafkaRecord], timeout: Double) -> [Result<Void, KafkaError>] {
        guard !records.isEmpty else { return [] }
        let handle = self.handle
        if let fatal = handle.context.fatalError.current {
            if let error = replace(handle, after: fatal) {
                return Array(repeating: .failure(error), count: records.count)
            }
            return send(records, timeout: timeout)
        }
        let deadline = MonotonicClock.now() + timeout
        let batch = DeliveryBatch(count: records.count)
        let deliveries = handle.context.deliveries
        var ids: [UInt] = []
        ids.reserveCapacity(records.count)
        for (index, record) in records.enumerated() {
            let id = deliveries.register(batch, index: index)
            ids.append(id)
            if let error = enqueue(record, id: id, deadline: deadline, on: handle) {
                deliveries.forget([id])
                batch.complete(index, .failure(error))
            }
        }
        let results = batch.wait(until: deadline)
        deliveries.forget(ids)
        // A broker that fenced this client's idempotent session (after messages timed out
        // during an outage) refuses every later record of it: start a new session.
        for case .failure(let error)? in results where error.isFatal || Self.sessionEndingCodes.contains(error.code) {
            _ = replace(handle, after: error)
            break
        }
        // A record without a report while the brokers refuse this client's credentials: say so.
        let missing = handle.context.security.explain(.timedOut("no delivery report for the record", after: timeout))
        return results.map { $0 ?? .failure(missing) }
    }

    /// PRODUCER_FENCED (90) and INVALID_PRODUCER_EPOCH (47): the idempotent session is over.
    static let sessionEndingCodes: Set<Int32> = [90, 47]

    /// Nil when librdkafka accepted the record into its queue.
    private func enqueue(_ record: KafkaRecord, id: UInt, deadline: Double, on handle: KafkaHandle) -> KafkaError? {
        var memory = ScratchMemory()
        defer { memory.release() }
        var fields: [rd_kafka_vu_t] = []
        var field = rd_kafka_vu_t()
        field.vtype = RD_KAFKA_VTYPE_TOPIC
        field.u.cstr = memory.cString(record.topic)
        fields.append(field)
        field = rd_kafka_vu_t()
        field.vtype = RD_KAFKA_VTYPE_VALUE
        field.u.mem.ptr = memory.bytes(record.value)
        field.u.mem.size = record.value.count
        fields.append(field)
        if let key = record.key {
            field = rd_kafka_vu_t()
            field.vtype = RD_KAFKA_VTYPE_KEY
            field.u.mem.ptr = memory.bytes(key)
            field.u.mem.size = key.count
            fields.append(field)
        }
        for header in record.headers {
            // librdkafka copies header names and values into the message it creates.
            field = rd_kafka_vu_t()
            field.vtype = RD_KAFKA_VTYPE_HEADER
            field.u.header.name = memory.cString(header.key)
            field.u.header.val = header.value.map { UnsafeRawPointer(memory.bytes($0)) }
            field.u.header.size = header.value?.count ?? 0
            fields.append(field)
        }
        field = rd_kafka_vu_t()
        field.vtype = RD_KAFKA_VTYPE_MSGFLAGS
        field.u.i = RD_KAFKA_MSG_F_COPY
        fields.append(field)
        field = rd_kafka_vu_t()
        field.vtype = RD_KAFKA_VTYPE_OPAQUE
        field.u.ptr = UnsafeMutableRawPointer(bitPattern: id)
        fields.append(field)

        do {
            return try handle.use { rk -> KafkaError? in
                while true {
                    guard let error = rd_kafka_produceva(rk, fields, fields.count) else { return nil }
                    let code = rd_kafka_error_code(error)
                    guard code == RD_KAFKA_RESP_ERR__QUEUE_FULL, MonotonicClock.now() < deadline else {
                        return KafkaError(consuming: error, "record not accepted for sending to \(record.topic)")
                    }
                    // The local queue is full: serve delivery reports to make room, then retry.
                    rd_kafka_error_destroy(error)
                    rd_kafka_poll(rk, 50)
                }
            }
        } catch {
            return error as? KafkaError ?? KafkaError.closed("producer")
        }
    }

    /// True when a metadata request to the cluster succeeds within `timeoutMs` (readiness).
    public func ping(timeoutMs: Int) -> Bool {
        let answered = try? handle.use { rk -> Bool in
            var metadata: UnsafePointer<rd_kafka_metadata_t>?
            let code = rd_kafka_metadata(rk, 0, nil, &metadata, Int32(clamping: timeoutMs))
            if let metadata { rd_kafka_metadata_destroy(metadata) }
            return KafkaError.isSuccess(code)
        }
        return answered ?? false
    }

    /// Flushes within `timeout` seconds, stops the poll thread and destroys the client.
    /// Records still queued after that fail their `send` calls. Idempotent.
    public func close(timeout: Double) {
        let logger = self.logger
        closed.withLock { $0 = true }
        handle.retire { rk in
            let code = rd_kafka_flush(rk, Int32(clamping: Int(timeout * 1000)))
            guard !KafkaError.isSuccess(code) else { return .normal }
            let left = rd_kafka_outq_len(rk)
            logger.warning(
                "producer closed with undelivered records; they are reported as failed",
                ["records": String(left), "timeoutSeconds": String(timeout)])
            rd_kafka_purge(rk, Int32(RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT))
            // Serve the delivery reports of the purged records.
            rd_kafka_poll(rk, 0)
            return .normal
        }
    }
}
