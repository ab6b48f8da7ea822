import Foundation
import IASRuntime
internal import CRdKafka

/// Owns one `rd_kafka_t` and its callback context.
///
/// librdkafka calls are thread-safe, but the handle must not be destroyed while a call is
/// running: every use takes a lease, and `retire` waits for running leases, refuses new
/// ones, then destroys the handle exactly once.
final class KafkaHandle: @unchecked Sendable {
    let context: ClientContext
    private let pointer: OpaquePointer
    private let role: String
    // NSCondition guards `leases` and `retired`.
    private let gate = NSCondition()
    private var leases = 0
    private var retired = false

    /// Creates the client. `configure` adds role-specific callbacks to the configuration.
    init(
        type: rd_kafka_type_t, role: String, properties: [String: String], logger: Logger,
        configure: (OpaquePointer) -> Void = { _ in }
    ) throws {
        try KafkaLibrary.requireSupportedVersion()
        let context = ClientContext(logger: logger, security: SecurityWatch(properties: properties))
        let conf = try NativeConfiguration.make(properties)
        let opaque = Unmanaged.passRetained(context)
        rd_kafka_conf_set_opaque(conf, opaque.toOpaque())
        rd_kafka_conf_set_log_cb(conf, kafkaLogCallback)
        rd_kafka_conf_set_error_cb(conf, kafkaErrorCallback)
        configure(conf)
        var buffer = ErrorBuffer()
        guard let rk = rd_kafka_new(type, conf, &buffer.bytes, buffer.bytes.count) else {
            // On failure the configuration still belongs to us.
            rd_kafka_conf_destroy(conf)
            opaque.release()
            throw KafkaError(
                code: RD_KAFKA_RESP_ERR__INVALID_ARG.rawValue,
                message: "cannot create the Kafka \(role): \(context.security.redact(buffer.text)); check KafkaConfiguration")
        }
        self.context = context
        self.pointer = rk
        self.role = role
    }

    /// Destroys a handle its owner never retired (the owner's initializer threw after
    /// creating it, before any group join).
    deinit { retire { _ in .skippingConsumerClose } }

    /// Runs `body` with the handle; throws when the handle is closed.
    func use<T>(_ body: (OpaquePointer) throws -> T) throws -> T {
        gate.lock()
        guard !retired else {
            gate.unlock()
            throw KafkaError.closed(role)
        }
        leases += 1
        gate.unlock()
        defer {
            gate.lock()
            leases -= 1
            if leases == 0 { gate.broadcast() }
            gate.unlock()
        }
        return try body(pointer)
    }

    /// Like `use`, but a KafkaError that only shows a refused connection from outside (a
    /// timeout) is replaced by the brokers' recent refusal of this client (SecurityWatch), which
    /// says what to fix. For clients whose errors are served by `rd_kafka_poll` (producers,
    /// admin and offset readers), not consumers that redirected them with `rd_kafka_poll_set_consumer`.
    func useExplainingRefusals<T>(_ body: (OpaquePointer) throws -> T) throws -> T {
        try use { rk in
            do { return try body(rk) } catch let error as KafkaError {
                rd_kafka_poll(rk, 0)   // serve the error callbacks queued meanwhile: they record a refusal
                throw context.security.explain(error)
            }
        }
    }

    /// How `retire` destroys the handle after its `finish` step.
    enum Destruction {
        case normal
        /// For a consumer whose close did not start (after a fatal error librdkafka refuses
        /// to close, and a plain destroy would then wait forever for the group to end).
        case skippingConsumerClose
    }

    /// Refuses new uses, waits for running ones, runs `finish` (flush, leave the group),
    /// then destroys the handle. Later calls do nothing.
    func retire(_ finish: (OpaquePointer) -> Destruction) {
        gate.lock()
        guard !retired else {
            gate.unlock()
            return
        }
        retired = true
        while leases > 0 { gate.wait() }
        gate.unlock()
        switch finish(pointer) {
        case .normal: rd_kafka_destroy(pointer)
        case .skippingConsumerClose: rd_kafka_destroy_flags(pointer, Int32(RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE))
        }
        // Only now no callback can run any more.
        Unmanaged.passUnretained(context).release()
    }
}

extension KafkaHandle {
    /// Raises a fatal error the way librdkafka does for a real one (tests only: a real fatal
    /// error cannot be provoked on demand).
    func raiseFatalErrorForTesting(_ reason: String) throws {
        try use { rk in _ = rd_kafka_test_fatal_error(rk, RD_KAFKA_RESP_ERR_OUT_OF_ORDER_SEQUENCE_NUMBER, reason) }
    }
}
