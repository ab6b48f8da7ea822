import Foundation
import IASKafka
import IASRuntime

/// One run of `replay-dlq`: reads what the group has not yet consumed, republishes, prints a
/// line per message and a summary. Returns the exit code (0 done, 1 a republish failed).
final class DeadLetterReplay {
    private let settings: ReplayDeadLettersCommand.Settings
    private let logger = Logger(label: "ias-admin", minimumLevel: .warning)
    private var counts = (read: 0, replayed: 0, otherConsumer: 0, replayedBefore: 0, notReplayable: 0)

    /// Without a new message for this long after joining the group, the topic is read to its
    /// end (the broker's listed end offsets are not trusted; see KafkaAdmin.lag).
    private let idleSeconds = 5.0

    init(settings: ReplayDeadLettersCommand.Settings) { self.settings = settings }

    func run() throws -> Int32 {
        try KafkaLibrary.requireFeatures(for: settings.security)
        var configuration = KafkaConfiguration(brokers: settings.brokers, clientId: "ias-admin-replay")
        configuration.security = settings.security
        try requireTopic(configuration)
        let consumer = try KafkaConsumer(configuration: configuration, groupId: settings.groupId, topics: [settings.topic], logger: logger)
        let producer = try KafkaProducer(configuration: configuration, logger: logger)
        defer {
            consumer.close()
            producer.close(timeout: 5)
        }
        let joinDeadline = MonotonicClock.now() + 60
        var lastActivity = MonotonicClock.now()
        while settings.limit.map({ counts.replayed < $0 }) ?? true {
            guard let message = try consumer.poll(timeoutMs: 200) else {
                if !consumer.hasJoinedGroup {
                    guard MonotonicClock.now() < joinDeadline else { throw ReplayError("the consumer group \(settings.groupId) was not joined within 60 s") }
                    lastActivity = MonotonicClock.now()
                }
                if MonotonicClock.now() - lastActivity > idleSeconds { break }
                continue
            }
            lastActivity = MonotonicClock.now()
            counts.read += 1
            guard try handle(DeadLetter(message: message), producer: producer) else {
                try? consumer.commitStoredOffsets()
                summary()
                return 1
            }
            if !settings.dryRun { try consumer.storeOffset(of: message) }
        }
        if !settings.dryRun { try consumer.commitStoredOffsets() }
        summary()
        return 0
    }

    /// Subscribing to a topic that does not exist would wait for it; say so at once instead.
    private func requireTopic(_ configuration: KafkaConfiguration) throws {
        let admin = try KafkaAdmin(configuration: configuration, logger: logger)
        defer { admin.close() }
        do { _ = try admin.lag(groupId: settings.groupId, topic: settings.topic, timeout: 20) } catch {
            throw ReplayError("cannot read \(settings.topic) (does it exist? are the brokers \(settings.brokers) reachable?): \(error)")
        }
    }

    /// False when the republish failed (the offset is then not stored).
    private func handle(_ letter: DeadLetter, producer: KafkaProducer) throws -> Bool {
        let reason = String(letter.reason.prefix(200))
        let origin = letter.originalTopic ?? "?"
        let consumer = letter.consumer ?? "?"
        func line(_ outcome: String) {
            print("\(outcome)  \(letter.position)  -> \(origin)  consumer=\(consumer)  reason: \(reason)")
        }
        guard let original = letter.originalTopic, !original.isEmpty else {
            counts.notReplayable += 1
            line("skipped (no dlq-original-topic)")
            return true
        }
        if let wanted = settings.consumer, letter.consumer != wanted {
            counts.otherConsumer += 1
            line("skipped (other consumer)")
            return true
        }
        if let before = letter.replayedBefore, !settings.includeReplayed {
            counts.replayedBefore += 1
            line("skipped (failed again after the replay of \(before); --include-replayed replays it again)")
            return true
        }
        if settings.dryRun {
            counts.replayed += 1
            line("would replay")
            return true
        }
        let result = producer.send([letter.replayRecord(to: original)], timeout: 30).first
        if case .failure(let error) = result ?? .failure(KafkaError(code: -1, message: "no delivery report")) {
            line("FAILED (\(error))")
            return false
        }
        counts.replayed += 1
        line("replayed")
        return true
    }

    private func summary() {
        let verb = settings.dryRun ? "would replay" : "replayed"
        print("replay-dlq \(settings.topic) (group \(settings.groupId)): \(counts.read) read, \(counts.replayed) \(verb), "
              + "\(counts.otherConsumer) of other consumers, \(counts.replayedBefore) failed again after a replay, "
              + "\(counts.notReplayable) without original topic")
    }
}

struct ReplayError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
