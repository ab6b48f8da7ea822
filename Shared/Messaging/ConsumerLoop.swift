import Foundation
import IASKafka
import IASRuntime

/// The one loop under every consumer: poll, apply, store the offset only after the effect;
/// on a passing failure rewind the partition and back off (0.1 s doubling to 5 s), so a
/// message is neither lost nor skipped. On stop it finishes the message under way, then
/// closes the consumer (committing stored offsets and leaving the group).
public final class ConsumerLoop: @unchecked Sendable {
    public typealias Apply = @Sendable (KafkaMessage) throws -> Void
    public typealias RetryObserver = @Sendable (KafkaMessage, Error, Double) -> Void

    private let name: String
    private let consumer: KafkaConsumer
    private let logger: Logger
    private let apply: Apply
    private let onRetry: RetryObserver
    private let running = Locked(false)
    private let finished = DispatchSemaphore(value: 0)

    /// - Parameters:
    ///   - apply: applies one message; throws for a passing failure (the message comes again).
    ///   - onRetry: told of each passing failure with the back-off chosen (metrics, logs).
    public init(name: String, consumer: KafkaConsumer, logger: Logger,
                onRetry: @escaping RetryObserver = { _, _, _ in }, apply: @escaping Apply) {
        self.name = name; self.consumer = consumer; self.logger = logger; self.onRetry = onRetry; self.apply = apply
    }

    public var hasJoinedGroup: Bool { consumer.hasJoinedGroup }
    public var isRunning: Bool { running.current }

    public func start() {
        running.withLock { $0 = true }
        let thread = Thread { [self] in
            run()
            finished.signal()
        }
        thread.name = "consumer-\(name)"
        thread.start()
    }

    public func stop() {
        let was = running.withLock { r -> Bool in let w = r; r = false; return w }
        guard was else { return }
        finished.wait()
    }

    private func run() {
        var backoff = 0.1
        while running.current {
            let message: KafkaMessage?
            do { message = try consumer.poll(timeoutMs: 200) } catch {
                logger.error("consumer failed; retrying", ["error": String(describing: error)])
                Thread.sleep(forTimeInterval: 1)
                continue
            }
            guard let message else { continue }
            do {
                try apply(message)
                try consumer.storeOffset(of: message)
                backoff = 0.1
            } catch {
                onRetry(message, error, backoff)
                try? consumer.seek(to: message)
                Thread.sleep(forTimeInterval: backoff)
                backoff = min(backoff * 2, 5)
            }
        }
        consumer.close()
    }
}
