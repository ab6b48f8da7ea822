import Foundation
import IASContracts
import IASKafka
import IASMessaging
import IASRuntime

/// Plays RAV/AMIplus and the vocational school, each on its own topics: reads the referrals on
/// every partner's outbound topic and answers on that partner's inbound topic. It accepts each
/// referral at once, reports the enrolment and later the end after the configured delays. The
/// offset of a referral is stored only after its acceptance was delivered, so a crash before
/// that re-reads the referral. Pending enrolments and ends live in memory only: a restart
/// loses them (the referral stays accepted; the partner would report by hand).
final class PartnerSimulator: Worker, @unchecked Sendable {
    let name = "simulator"
    private let configuration: SimulatorConfiguration
    private let producer: KafkaProducer
    private let logger: Logger
    private let timers = DispatchQueue(label: "partner-simulator-timers", attributes: .concurrent)
    private let pending = Locked(0)
    private let loop = Locked<ConsumerLoop?>(nil)

    init(configuration: SimulatorConfiguration, producer: KafkaProducer, logger: Logger) {
        self.configuration = configuration; self.producer = producer; self.logger = logger
    }

    var isReady: Bool { (loop.current?.hasJoinedGroup ?? false) && producer.ping(timeoutMs: 1000) }

    func prepare(until stop: StopSignal) throws {
        // Every partner's topics must exist before the first answer is produced.
        stop.retry({
            let admin = try KafkaAdmin(configuration: configuration.kafka, logger: logger)
            defer { admin.close() }
            let topics = PartnerChannel.all.flatMap { [$0.outbound, $0.inbound] }
            try admin.ensureTopics(topics.map { ($0, configuration.topicPartitions) }, timeout: 10)
        }, failed: { error, pause in
            logger.warning("broker not reachable yet; retrying", ["error": String(describing: error), "retryInSeconds": String(pause)])
        })
        let consumer = try KafkaConsumer(configuration: configuration.kafka, groupId: "ias-partner-simulator",
                                         topics: PartnerChannel.all.map(\.outbound), logger: logger)
        loop.withLock {
            $0 = ConsumerLoop(name: "partner-simulator", consumer: consumer, logger: logger, onRetry: { [logger] message, error, backoff in
                logger.warning("could not answer a referral now; retrying",
                               ["offset": String(message.offset), "error": String(describing: error), "retryInSeconds": String(backoff)])
            }, apply: { [unowned self] message in try handle(message) })
        }
    }

    /// Answers until stopped; a stop finishes the referral under way, commits the stored
    /// offsets and leaves the group.
    func run(until stop: StopSignal) {
        loop.current?.run(until: stop)
        let left = pending.current
        if left > 0 { logger.warning("stopping with answers still pending; they are lost", ["pending": String(left)]) }
    }

    /// Throws only when the acceptance could not be delivered (the message is read again).
    private func handle(_ message: KafkaMessage) throws {
        // The topic says which partner is played: a real partner reads only its own topic.
        guard let channel = PartnerChannel.referredOn(message.topic) else {
            logger.warning("ignoring a message on a topic that is no partner's", ["topic": message.topic, "offset": String(message.offset)])
            return
        }
        let request: EventEnvelope, referral: ReferralRequested
        do {
            request = try EventEnvelope.decode(message.value)
            guard request.type == ReferralRequested.eventType else { return }
            referral = try request.payload(ReferralRequested.self)
        } catch {
            // A partner system ignores what it cannot read; there is nobody to answer to.
            logger.warning("ignoring an unreadable message", ["topic": message.topic, "offset": String(message.offset),
                                                              "error": String(describing: error)])
            return
        }
        guard referral.partner == channel.organisation else {
            logger.warning("ignoring a referral for another partner on this partner's topic",
                           ["referralId": referral.referralId.description, "partner": referral.partner, "topic": message.topic])
            return
        }
        try send(PartnerAnswers.accepted(referral, on: .today()), answering: request, as: channel)
        logger.info("referral accepted", ["referralId": referral.referralId.description, "partner": referral.partner])
        schedule(after: configuration.enrolAfterMs, "enrolled", referral) { [self] in
            try send(PartnerAnswers.enrolled(referral, on: .today()), answering: request, as: channel)
        }
        if configuration.endAfterMs > 0 {
            schedule(after: max(configuration.endAfterMs, configuration.enrolAfterMs), "ended", referral) { [self] in
                try send(PartnerAnswers.ended(referral, on: .today()), answering: request, as: channel)
            }
        }
    }

    private func schedule(after ms: Int, _ what: String, _ referral: ReferralRequested, _ body: @escaping @Sendable () throws -> Void) {
        pending.withLock { $0 += 1 }
        // The end is scheduled after the enrolment; equal delays keep their order by a small step.
        let delay = Double(ms) / 1000 + (what == "ended" ? 0.05 : 0)
        timers.asyncAfter(deadline: .now() + delay) { [self] in
            defer { pending.withLock { $0 -= 1 } }
            var attempt = 0
            while attempt < 5 {
                do {
                    try body()
                    logger.info("measure \(what) reported", ["referralId": referral.referralId.description])
                    return
                } catch {
                    attempt += 1
                    Thread.sleep(forTimeInterval: Double(attempt) * 0.5)
                }
            }
            logger.error("could not report \(what); giving up", ["referralId": referral.referralId.description])
        }
    }

    /// Answers on the partner's own inbound topic, as a structured CloudEvent.
    private func send<P: EventPayload>(_ payload: P, answering request: EventEnvelope, as channel: PartnerChannel) throws {
        let envelope = try PartnerAnswers.envelope(payload, answering: request, as: channel)
        guard let result = producer.send([try .event(envelope, topic: channel.inbound)], timeout: 10).first else {
            throw KafkaError(code: -1, message: "no delivery report", isFatal: false)
        }
        try result.get()
    }
}
