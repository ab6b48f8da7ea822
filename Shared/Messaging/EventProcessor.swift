import Foundation
import IASKafka
import IASPostgres
import IASRuntime

/// Runs one subscription: polls its consumer group, applies each event exactly once, stores
/// the offset only after the effect committed.
///
/// Per message: decode the envelope (a bad one goes to the dead-letter topic); in one
/// transaction insert `(consumer, event id)` into the inbox — a conflict means the event was
/// applied before, so nothing more is done — then run the handler; commit; store the offset.
/// A passing failure (database unavailable) rewinds the partition and retries with backoff,
/// so the message is neither lost nor skipped.
public final class EventProcessor: @unchecked Sendable {
    public enum Outcome: String, Sendable { case applied, duplicate, deadLettered = "dead_lettered" }

    private let subscription: EventSubscription
    private let pool: PostgresPool
    private let producer: KafkaProducer
    private let metrics: MetricsRegistry
    private let logger: Logger
    private let afterCommit: @Sendable () -> Void
    private var loop: ConsumerLoop!

    /// `afterCommit` runs after each applied event (services wake their outbox relay with it,
    /// since handlers may write events of their own).
    public init(subscription: EventSubscription, consumer: KafkaConsumer, pool: PostgresPool, producer: KafkaProducer,
                metrics: MetricsRegistry, logger: Logger, afterCommit: @escaping @Sendable () -> Void = {}) {
        self.subscription = subscription; self.pool = pool; self.producer = producer
        self.metrics = metrics; self.logger = logger.with(["consumer": subscription.name]); self.afterCommit = afterCommit
        let name = subscription.name
        loop = ConsumerLoop(name: name, consumer: consumer, logger: self.logger, onRetry: { [logger = self.logger] message, error, backoff in
            logger.warning("event could not be applied now; will retry",
                           ["topic": message.topic, "partition": String(message.partition), "offset": String(message.offset),
                            "error": String(describing: error), "retryInSeconds": String(backoff)])
            metrics.increment("ias_events_retried_total", help: "Event applications that failed for a passing reason and were retried.",
                              labels: ["consumer": name])
        }, apply: { [unowned self] message in
            let outcome = try process(message)
            metrics.increment("ias_events_consumed_total", help: "Events taken from the broker, by outcome.",
                              labels: ["consumer": name, "topic": message.topic, "outcome": outcome.rawValue])
        })
    }

    /// The consumer has joined its group (readiness waits for it).
    public var hasJoinedGroup: Bool { loop.hasJoinedGroup }

    public func start() { loop.start() }

    /// Finishes the message under way, commits stored offsets and leaves the group.
    public func stop() { loop.stop() }

    /// Applies one message; throws only for passing failures (the caller retries).
    func process(_ message: KafkaMessage) throws -> Outcome {
        let envelope: EventEnvelope
        do { envelope = try EventEnvelope.decode(message.value) } catch let rejected as EventRejected {
            try deadLetter(message, reason: rejected.reason)
            return .deadLettered
        }
        do {
            let applied = try pool.transaction { connection -> Bool in
                let inserted = try connection.execute(
                    "INSERT INTO inbox (consumer, event_id, topic, event_type) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                    [subscription.name, envelope.id, message.topic, envelope.type])
                guard inserted == 1 else { return false }
                try subscription.handler(envelope, connection)
                return true
            }
            if applied { afterCommit() }
            return applied ? .applied : .duplicate
        } catch let rejected as EventRejected {
            try deadLetter(message, reason: rejected.reason)
            return .deadLettered
        }
    }

    private func deadLetter(_ message: KafkaMessage, reason: String) throws {
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
