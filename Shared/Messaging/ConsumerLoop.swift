import Foundation
import IASKafka
import IASRuntime

/// The one loop under every consumer: poll a batch, apply it, store the offsets only after
/// the effect; on a passing failure rewind each partition of the batch to its first
/// unapplied message, so a message is neither lost nor skipped. A partition that waits (an
/// event whose precondition travels on another topic) does not hold up the others: they go
/// on, and the loop backs off (0.1 s doubling to 5 s) only when a whole batch was held. A stop
/// ends a pause at once, finishes the batch under way, then closes the consumer (committing
/// stored offsets and leaving the group).
///
/// A batch is what arrives within `lingerMs` after its first message, `maxBatch` at most, in
/// poll order (so each partition's messages are in offset order).
public final class ConsumerLoop: Worker, @unchecked Sendable {
    public typealias Apply = @Sendable (KafkaMessage) throws -> Void
    /// Applies a batch, in order. Throws `BatchFailure` when only a leading part was applied,
    /// any other error when nothing was.
    public typealias ApplyBatch = @Sendable ([KafkaMessage]) throws -> Void
    public typealias RetryObserver = @Sendable (KafkaMessage, Error, Double) -> Void

    /// The first `applied` messages of the batch took effect; the one after them failed for a
    /// passing reason (`cause`). Later messages may have taken effect too: they come again and
    /// must be recognised as duplicates (the inbox does so).
    public struct BatchFailure: Error, CustomStringConvertible {
        public let applied: Int
        public let cause: Error
        public init(applied: Int, cause: Error) { self.applied = applied; self.cause = cause }
        public var description: String { String(describing: cause) }
    }

    /// Some messages of the batch were not applied: per partition, the unapplied ones are
    /// the tail from its first failure on (so each partition keeps its order); every other
    /// message took effect. `cause` is the first failure.
    public struct PartialBatch: Error, CustomStringConvertible {
        public let unapplied: [Int]
        public let cause: Error
        public init(unapplied: [Int], cause: Error) { self.unapplied = unapplied; self.cause = cause }
        public var description: String { String(describing: cause) }
    }

    public struct Batching: Sendable {
        /// Messages applied together at most.
        public var maxBatch: Int
        /// How long to wait for more messages after the first one of a batch.
        public var lingerMs: Int
        public init(maxBatch: Int = 256, lingerMs: Int = 5) {
            self.maxBatch = max(1, maxBatch); self.lingerMs = max(0, lingerMs)
        }
        public static let single = Batching(maxBatch: 1, lingerMs: 0)
    }

    public let name: String
    private let consumer: KafkaConsumer
    private let logger: Logger
    private let batching: Batching
    private let applyBatch: ApplyBatch
    private let onRetry: RetryObserver

    /// One message at a time.
    /// - Parameters:
    ///   - apply: applies one message; throws for a passing failure (the message comes again).
    ///   - onRetry: told of each passing failure with the back-off chosen (metrics, logs).
    public convenience init(name: String, consumer: KafkaConsumer, logger: Logger,
                            onRetry: @escaping RetryObserver = { _, _, _ in }, apply: @escaping Apply) {
        self.init(name: name, consumer: consumer, logger: logger, batching: .single, onRetry: onRetry,
                  applyBatch: { messages in
                      for (index, message) in messages.enumerated() {
                          do { try apply(message) } catch { throw BatchFailure(applied: index, cause: error) }
                      }
                  })
    }

    /// Batches of up to `batching.maxBatch` messages.
    /// - Parameters:
    ///   - onRetry: told of each passing failure, with the first unapplied message and the back-off chosen.
    public init(name: String, consumer: KafkaConsumer, logger: Logger, batching: Batching,
                onRetry: @escaping RetryObserver = { _, _, _ in }, applyBatch: @escaping ApplyBatch) {
        self.name = name; self.consumer = consumer; self.logger = logger; self.batching = batching
        self.onRetry = onRetry; self.applyBatch = applyBatch
    }

    public var hasJoinedGroup: Bool { consumer.hasJoinedGroup }

    public func run(until stop: StopSignal) {
        var backoff = Backoff(first: 0.1)
        while !stop.isStopped {
            let batch: [KafkaMessage]
            do { batch = try nextBatch() } catch {
                logger.error("consumer failed; retrying", ["error": String(describing: error)])
                stop.wait(seconds: 1)
                continue
            }
            guard !batch.isEmpty else { continue }
            var unapplied: [Int] = []
            var failure: Error?
            do { try applyBatch(batch) } catch let partial as PartialBatch {
                unapplied = partial.unapplied.filter { batch.indices.contains($0) }
                failure = partial.cause
            } catch let partial as BatchFailure {
                unapplied = Array(min(max(0, partial.applied), batch.count)..<batch.count)
                failure = partial.cause
            } catch {
                unapplied = Array(batch.indices)
                failure = error
            }
            let held = Set(unapplied)
            let appliedMessages = batch.indices.filter { !held.contains($0) }.map { batch[$0] }
            do {
                try consumer.storeOffsets(of: appliedMessages)
            } catch {
                // Revoked meanwhile (the new owner redelivers) or the client failed: rewind the
                // whole batch (what was applied comes again and is recognised) and pause.
                failure = failure ?? error
                unapplied = Array(batch.indices)
            }
            if let failure, let first = unapplied.first {
                let progressed = unapplied.count < batch.count
                // Others went on: no pause, the held partitions are tried with the next batch.
                if progressed { backoff.reset() }
                let pause = progressed ? 0 : backoff.next()
                onRetry(batch[first], failure, pause)
                try? consumer.rewind(to: unapplied.map { batch[$0] })
                if !progressed { stop.wait(seconds: pause) }
            } else {
                backoff.reset()
            }
        }
        consumer.close()
    }

    /// Waits up to 200 ms for a first message, then takes what arrives within the linger,
    /// up to `maxBatch`. An error after the first message ends the batch early (the next
    /// poll reports it again).
    private func nextBatch() throws -> [KafkaMessage] {
        guard let first = try consumer.poll(timeoutMs: 200) else { return [] }
        var batch = [first]
        guard batching.maxBatch > 1 else { return batch }
        let deadline = MonotonicClock.now() + Double(batching.lingerMs) / 1000
        while batch.count < batching.maxBatch {
            // Poll at least once without waiting: prefetched messages are there at once.
            let remainingMs = Int(MonotonicClock.pollTimeout(until: deadline))
            let message: KafkaMessage?
            do { message = try consumer.poll(timeoutMs: remainingMs) } catch { break }
            if let message { batch.append(message) } else if remainingMs == 0 { break }
        }
        return batch
    }
}
