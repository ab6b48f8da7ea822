import Foundation
import IASKafka
import IASPostgres
import IASRuntime

/// Runs one subscription: polls its consumer group, applies each event exactly once, stores
/// the offsets only after the effects committed.
///
/// Per batch (see `ConsumerLoop`): decode the envelopes (a bad one goes to the dead-letter
/// topic); in ONE transaction, insert `(consumer, event id)` of every event into the inbox
/// (one statement) — a conflict means the event was applied before, so nothing more is
/// done — then run the handler of each new event in poll order; commit; store the offsets.
/// One commit (one fsync) then carries many events.
/// If that transaction fails for a reason other than an unreachable database (a rejected
/// event, a conflict), it is rolled back and the same messages are applied one per
/// transaction, so that a poison event is dead-lettered alone and the others still apply
/// once. A passing failure (database unavailable) rewinds the partitions and retries with
/// backoff, so no message is lost or skipped.
public final class EventProcessor: Worker, @unchecked Sendable {
    public enum Outcome: String, Sendable { case applied, duplicate, deadLettered = "dead_lettered" }

    public struct Configuration: Sendable {
        public var batching = ConsumerLoop.Batching()
        /// How often the consumer lag is read from the client for `ias_consumer_lag`.
        public var lagRefreshSeconds: Double = 5
        /// False for an instance that must publish nothing (its outbox relay is off): a
        /// message that can never be processed is then logged and skipped, not sent to
        /// `<topic>.dlq`, where the live instance has put it already.
        public var publishesDeadLetters = true
        public init() {}
    }

    private let subscription: EventSubscription
    private let consumer: KafkaConsumer
    private let pool: PostgresPool
    private let producer: KafkaProducer
    private let metrics: MetricsRegistry
    private let logger: Logger
    private let configuration: Configuration
    private let afterCommit: @Sendable () -> Void
    private var loop: ConsumerLoop!
    private let lagCache = Locked<[PartitionLag]>([])

    /// `afterCommit` runs after each transaction that applied events (services wake their
    /// outbox relay with it, since handlers may write events of their own): once per batch.
    public init(subscription: EventSubscription, consumer: KafkaConsumer, pool: PostgresPool, producer: KafkaProducer,
                metrics: MetricsRegistry, logger: Logger, configuration: Configuration = Configuration(),
                afterCommit: @escaping @Sendable () -> Void = {}) {
        self.subscription = subscription; self.consumer = consumer; self.pool = pool; self.producer = producer
        self.metrics = metrics; self.logger = logger.with(["consumer": subscription.name])
        self.configuration = configuration; self.afterCommit = afterCommit
        let name = subscription.name
        loop = ConsumerLoop(name: name, consumer: consumer, logger: self.logger, batching: configuration.batching,
                            onRetry: { [logger = self.logger] message, error, backoff in
            logger.warning("event could not be applied now; will retry",
                           ["topic": message.topic, "partition": String(message.partition), "offset": String(message.offset),
                            "error": String(describing: error), "retryInSeconds": String(backoff)])
            metrics.increment("ias_events_retried_total", help: "Event applications that failed for a passing reason and were retried.",
                              labels: ["consumer": name])
        }, applyBatch: { [unowned self] messages in
            _ = try processBatch(messages)
        })
    }

    /// The consumer has joined its group (readiness waits for it).
    public var hasJoinedGroup: Bool { loop.hasJoinedGroup }

    public var name: String { subscription.name }

    /// Consumes until stopped, with the lag refresher beside it. A stop finishes the batch
    /// under way, commits the stored offsets and leaves the group.
    public func run(until stop: StopSignal) throws {
        // A thread of its own: reading committed offsets or watermarks may wait about a second
        // for the broker, which must not hold up the consume loop.
        let interval = max(0.1, configuration.lagRefreshSeconds)
        let refresher = try WorkerThread.start(AnyWorker("lag-\(name)", run: { [self] stop in
            while !stop.wait(seconds: interval) {
                if let lag = try? consumer.lag(timeoutMs: 1000) { lagCache.withLock { $0 = lag } }
            }
        }))
        loop.run(until: stop)
        refresher.stop()
        lagCache.withLock { $0 = [] }
    }

    /// Applies one message in a transaction of its own; throws only for passing failures
    /// (the caller retries).
    func process(_ message: KafkaMessage) throws -> Outcome {
        let outcome = try processAlone(message)
        if outcome == .applied { afterCommit() }
        return outcome
    }

    /// Applies `messages` in order, together when possible (see the type's description), and
    /// counts their outcomes. Throws `ConsumerLoop.BatchFailure` when only a leading part
    /// took effect, another error when none did.
    func processBatch(_ messages: [KafkaMessage]) throws -> [Outcome] {
        metrics.observe("ias_consumer_batch_size", help: "Messages taken from the broker and applied together.",
                        labels: ["consumer": subscription.name], value: Double(messages.count), buckets: Self.batchBuckets)
        guard messages.count > 1 else {
            let outcome = try process(messages[0])
            count(outcome, messages[0])
            return [outcome]
        }
        var envelopes: [(index: Int, envelope: EventEnvelope)] = []
        var undecodable: [(index: Int, reason: String)] = []
        for (index, message) in messages.enumerated() {
            do { envelopes.append((index, try EventEnvelope.decode(message.value))) } catch let rejected as EventRejected {
                undecodable.append((index, rejected.reason))
            }
        }
        var outcomes = [Outcome](repeating: .duplicate, count: messages.count)
        do {
            try pool.transaction { connection in
                var new = try insertInbox(envelopes.map { ($0.envelope, messages[$0.index]) }, connection)
                for (index, envelope) in envelopes where new.remove(envelope.id) != nil {
                    try subscription.handler(envelope, EventOrigin(messages[index]), connection)
                    outcomes[index] = .applied
                }
            }
        } catch let error as PostgresError where error.kind == .unavailable {
            throw error   // nothing applied; the loop rewinds and backs off
        } catch {
            metrics.increment("ias_event_batches_split_total", help: "Batches applied one event per transaction after their joint transaction failed.",
                              labels: ["consumer": subscription.name])
            logger.info("a batch could not be applied in one transaction; applying its events one by one",
                        ["events": String(messages.count), "error": String(describing: error)])
            return try processOneByOne(messages)
        }
        if outcomes.contains(.applied) { afterCommit() }
        for (index, reason) in undecodable {
            do { try deadLetter(messages[index], reason: reason) } catch {
                countAll(outcomes, messages, upTo: index)
                throw ConsumerLoop.BatchFailure(applied: index, cause: error)
            }
            outcomes[index] = .deadLettered
        }
        countAll(outcomes, messages, upTo: messages.count)
        return outcomes
    }

    /// The path of a batch whose joint transaction failed: one transaction per event. An
    /// event that cannot be applied now holds back the rest of its partition (order), not
    /// the other partitions: an event waiting for another topic's event must not block that
    /// very event. An unreachable database holds back everything.
    private func processOneByOne(_ messages: [KafkaMessage]) throws -> [Outcome] {
        var outcomes = [Outcome?](repeating: nil, count: messages.count)
        var held: Set<TopicPartition> = []
        var unapplied: [Int] = []
        var cause: Error?
        defer { if outcomes.contains(.applied) { afterCommit() } }
        for (index, message) in messages.enumerated() {
            let partition = TopicPartition(topic: message.topic, partition: message.partition)
            if held.contains(partition) || cause is DatabaseUnreachable { unapplied.append(index); continue }
            do {
                let outcome = try processAlone(message)
                outcomes[index] = outcome
                count(outcome, message)
            } catch {
                held.insert(partition)
                unapplied.append(index)
                if let error = error as? PostgresError, error.kind == .unavailable {
                    cause = DatabaseUnreachable(error: error)
                } else if cause == nil {
                    cause = error
                }
            }
        }
        if let cause {
            let reported = (cause as? DatabaseUnreachable)?.error ?? cause
            throw ConsumerLoop.PartialBatch(unapplied: unapplied, cause: reported)
        }
        return outcomes.map { $0 ?? .duplicate }
    }

    /// Marks the database as unreachable within one batch: the remaining events are not tried.
    private struct DatabaseUnreachable: Error { let error: PostgresError }

    private func processAlone(_ message: KafkaMessage) throws -> Outcome {
        let envelope: EventEnvelope
        do { envelope = try EventEnvelope.decode(message.value) } catch let rejected as EventRejected {
            try deadLetter(message, reason: rejected.reason)
            return .deadLettered
        }
        do {
            let applied = try pool.transaction { connection -> Bool in
                guard try insertInbox(envelope, message, connection) else { return false }
                try subscription.handler(envelope, EventOrigin(message), connection)
                return true
            }
            return applied ? .applied : .duplicate
        } catch let rejected as EventRejected {
            try deadLetter(message, reason: rejected.reason)
            return .deadLettered
        }
    }

    /// True when the event is new to this consumer (its inbox row was inserted).
    private func insertInbox(_ envelope: EventEnvelope, _ message: KafkaMessage, _ connection: PostgresConnection) throws -> Bool {
        try connection.execute(
            "INSERT INTO inbox (consumer, event_id, topic, event_type) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
            [subscription.name, envelope.id, message.topic, envelope.type]) == 1
    }

    private struct InboxEntry: Encodable {
        let event_id: String, topic: String, event_type: String
    }

    /// Inserts the inbox rows of a batch in one statement; returns the ids new to this
    /// consumer (an id twice in the batch is returned once, and applied at its first place).
    private func insertInbox(_ events: [(EventEnvelope, KafkaMessage)], _ connection: PostgresConnection) throws -> Set<Identifier> {
        let entries = events.map { InboxEntry(event_id: $0.0.id.description, topic: $0.1.topic, event_type: $0.0.type) }
        let rows = try connection.query("""
            INSERT INTO inbox (consumer, event_id, topic, event_type)
            SELECT $1, e.event_id, e.topic, e.event_type FROM jsonb_to_recordset($2::jsonb) AS e(event_id uuid, topic text, event_type text)
            ON CONFLICT DO NOTHING RETURNING event_id
            """, [subscription.name, String(decoding: try JSONCoding.encode(entries), as: UTF8.self)])
        return Set(try rows.map { try $0.identifier("event_id") })
    }

    private func count(_ outcome: Outcome, _ message: KafkaMessage) {
        metrics.increment("ias_events_consumed_total", help: "Events taken from the broker, by outcome.",
                          labels: ["consumer": subscription.name, "topic": message.topic, "outcome": outcome.rawValue])
    }

    private func countAll(_ outcomes: [Outcome], _ messages: [KafkaMessage], upTo end: Int) {
        for index in 0..<min(end, outcomes.count) { count(outcomes[index], messages[index]) }
    }

    private static let batchBuckets: [Double] = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024]

    // MARK: - Lag

    /// Messages waiting per assigned partition, as of the last refresh (empty when stopped).
    public var lag: [PartitionLag] { lagCache.current }

    /// The gauge `ias_consumer_lag{consumer,topic,partition}` over `processors`, read from
    /// their cached values so that a scrape never waits for the broker.
    public static func registerLagGauge(on metrics: MetricsRegistry, processors: @escaping @Sendable () -> [EventProcessor]) {
        metrics.gauge("ias_consumer_lag", help: "Messages between the consumer's stored position and the end of each assigned partition.") {
            processors().flatMap { processor in
                processor.lag.map { entry in
                    (["consumer": processor.name, "topic": entry.topic, "partition": String(entry.partition)], Double(entry.lag))
                }
            }
        }
    }

    private func deadLetter(_ message: KafkaMessage, reason: String) throws {
        guard configuration.publishesDeadLetters else {
            logger.warning("message could never be processed; not sent to the dead-letter topic, since this instance publishes nothing (IAS_OUTBOX_RELAY=off)",
                           ["topic": message.topic, "partition": String(message.partition), "offset": String(message.offset), "reason": reason])
            metrics.increment("ias_events_dead_letters_withheld_total", help: "Messages that could never be processed and were not sent to <topic>.dlq (IAS_OUTBOX_RELAY=off).",
                              labels: ["topic": message.topic])
            return
        }
        let record = DeadLetters.record(for: message, consumer: subscription.name, reason: reason)
        let result = producer.send([record], timeout: 20)
        if case .failure(let error) = result.first ?? .failure(KafkaError(code: -1, message: "no delivery report", isFatal: false)) {
            throw error
        }
        logger.warning("message sent to the dead-letter topic",
                       ["topic": message.topic, "partition": String(message.partition), "offset": String(message.offset), "reason": reason])
        metrics.increment("ias_events_dead_lettered_total", help: "Messages that could never be processed, sent to <topic>.dlq.",
                          labels: ["topic": message.topic])
    }
}
