import IASKafka
import IASPostgres
import IASRuntime

/// Publishes outbox rows to Kafka after their transaction committed.
///
/// One batch is one database transaction: it takes a transaction-scoped advisory lock (so
/// that of several instances of a service only one relays at a time and per-case order
/// holds), reads the oldest unpublished rows in id order, sends them, waits for every
/// delivery report, and marks as published exactly the rows the broker confirmed. A row whose
/// delivery failed stays unpublished, and so do later rows of the same case in that batch,
/// so that the case's order is kept on the next attempt (consumers drop the duplicates).
public final class OutboxRelay: Worker, @unchecked Sendable {
    public struct Configuration: Sendable {
        public var batchSize = 500
        /// Idle poll, for rows written by other instances; own writes wake the relay at once.
        public var pollInterval: Double = 0.5
        /// Upper bound of waiting for delivery reports of one batch.
        public var deliveryTimeout: Double = 20
        public init() {}
    }

    private static let lockKey: Int64 = 0x1A5_0B0C   // advisory lock id of "the relay of this database"

    private let pool: PostgresPool
    private let producer: KafkaProducer
    private let metrics: MetricsRegistry
    private let logger: Logger
    private let configuration: Configuration
    /// The signal of the run under way: `wake` ends its pause.
    private let running = Locked<StopSignal?>(nil)

    public init(pool: PostgresPool, producer: KafkaProducer, metrics: MetricsRegistry, logger: Logger,
                configuration: Configuration = Configuration()) {
        self.pool = pool; self.producer = producer; self.metrics = metrics
        self.logger = logger.with(["component": "outbox-relay"]); self.configuration = configuration
    }

    public var name: String { "outbox relay" }

    /// Called after a transaction that wrote outbox rows committed.
    public func wake() { running.current?.wake() }

    /// Publishes until stopped; a stop finishes the batch under way.
    public func run(until stop: StopSignal) {
        running.withLock { $0 = stop }
        while let published = stop.retry(from: 0.1, { try publishBatch() }, failed: { error, pause in
            logger.warning("outbox relay batch failed; will retry", ["error": String(describing: error), "retryInSeconds": String(pause)])
        }) {
            if published < configuration.batchSize { stop.wait(seconds: configuration.pollInterval) }   // else more wait: no pause
        }
    }

    /// Publishes one batch; returns the number of rows marked as published.
    @discardableResult
    public func publishBatch() throws -> Int {
        try pool.transaction { connection -> Int in
            let locked = try connection.query("SELECT pg_try_advisory_xact_lock($1) AS locked", [Self.lockKey]).first?.bool("locked") ?? false
            guard locked else { return 0 }   // another instance is relaying right now
            let rows = try connection.query(
                "SELECT id, topic, partition_key, payload FROM outbox WHERE published_at IS NULL ORDER BY id LIMIT $1",
                [configuration.batchSize])
            guard !rows.isEmpty else { return 0 }
            let ids = try rows.map { try $0.int("id") }
            let keys = try rows.map { try $0.string("partition_key") }
            let records = try zip(rows, keys).map { row, key in
                KafkaRecord.event(topic: try row.string("topic"), key: key, encoded: Array(try row.string("payload").utf8))
            }
            let results = producer.send(records, timeout: configuration.deliveryTimeout)
            var delivered: [Int] = []
            var failed: [Int] = []
            var blockedKeys = Set<String>()
            var firstError: String?
            for (index, result) in results.enumerated() {
                switch result {
                case .success where !blockedKeys.contains(keys[index]):
                    delivered.append(ids[index])
                    metrics.increment("ias_events_produced_total", help: "Events confirmed by the broker.",
                                      labels: ["topic": records[index].topic])
                default:
                    if case .failure(let error) = result, firstError == nil { firstError = error.description }
                    blockedKeys.insert(keys[index])
                    failed.append(ids[index])
                }
            }
            if !delivered.isEmpty {
                try connection.execute(
                    "UPDATE outbox SET published_at = now(), attempts = attempts + 1 WHERE id = ANY($1::bigint[])",
                    [PostgresArray(delivered)])
            }
            if !failed.isEmpty {
                try connection.execute(
                    "UPDATE outbox SET attempts = attempts + 1, last_error = $2 WHERE id = ANY($1::bigint[])",
                    [PostgresArray(failed), firstError ?? "not confirmed"])
                metrics.increment("ias_outbox_publish_failures_total", help: "Outbox rows whose delivery was not confirmed.", by: Double(failed.count))
                logger.warning("some events were not confirmed by the broker; they stay in the outbox",
                               ["failed": String(failed.count), "error": firstError ?? "not confirmed"])
            }
            return delivered.count
        }
    }
}
