import Foundation
import IASRuntime
internal import CRdKafka

/// State shared with librdkafka's callbacks. It travels as the client's opaque pointer and
/// stays retained until `rd_kafka_destroy` returned, so no callback sees a freed context.
final class ClientContext: Sendable {
    let logger: Logger
    /// Pending delivery reports (producers only).
    let deliveries = DeliveryTracker()
    /// Partitions currently assigned (consumers only), kept by the rebalance callback.
    let assignment = Locked<[TopicPartition]>([])
    /// The next offset to consume per assigned partition as far as this member knows it: what
    /// it stored, or the group's committed offset read for the lag gauge. Cleared when a
    /// partition is assigned or revoked, since another member may have moved it meanwhile.
    let positions = Locked<[TopicPartition: Int64]>([:])
    /// Set by the first assignment, even an empty one: the member has joined its group.
    let joinedGroup = Locked(false)
    /// Where partitions the group never committed begin, for a group that begins at the end
    /// (`NewGroupStart.end`): their ends read before subscribing. Nil: at the beginning.
    let newPartitionStarts = Locked<[TopicPartition: Int64]?>(nil)
    /// The first fatal error raised on this client; every later operation fails with it.
    let fatalError = Locked<KafkaError?>(nil)
    /// The password to keep out of log lines, and the brokers' last refusal of this client.
    let security: SecurityWatch
    private let limiter = RateLimiter(interval: 30)

    init(logger: Logger, security: SecurityWatch) {
        self.logger = logger
        self.security = security
    }

    /// Throws the recorded fatal error, if any: the client can no longer work.
    func checkFatal() throws {
        if let fatal = fatalError.current { throw fatal }
    }

    static func of(_ rk: OpaquePointer?) -> ClientContext? {
        guard let rk, let raw = rd_kafka_opaque(rk) else { return nil }
        return Unmanaged<ClientContext>.fromOpaque(raw).takeUnretainedValue()
    }

    /// Records the client's fatal error (read with `rd_kafka_fatal_error`) once and logs it.
    @discardableResult
    func recordFatalError(_ rk: OpaquePointer) -> KafkaError {
        var buffer = ErrorBuffer()
        let code = rd_kafka_fatal_error(rk, &buffer.bytes, buffer.bytes.count)
        let error = KafkaError(
            code: code.rawValue,
            message: "client can no longer work: \(security.redact(buffer.text)); close it and create a new one (or restart the process)",
            isFatal: true)
        let first = fatalError.withLock { current -> Bool in
            guard current == nil else { return false }
            current = error
            return true
        }
        if first { logger.error("Kafka fatal error", ["error": error.description]) }
        return fatalError.current ?? error
    }

    /// A warning for conditions that repeat while they last (broker down, topic missing).
    func warnRateLimited(_ key: String, _ message: String, _ fields: [String: String]) {
        logRateLimited(.warning, key, message, fields)
    }

    /// Logs the first line per `key` and interval, with the count of the ones left out.
    func logRateLimited(_ level: Logger.Level, _ key: String, _ message: String, _ fields: [String: String]) {
        guard level >= logger.minimumLevel, let suppressed = limiter.admit(key) else { return }
        var fields = fields
        if suppressed > 0 { fields["suppressed"] = String(suppressed) }
        logger.log(level, message, fields)
    }
}
