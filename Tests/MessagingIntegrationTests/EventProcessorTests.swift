import Foundation
import IASKafka
@testable import IASMessaging
import IASPostgres
import IASRuntime
import TestSupport
import XCTest

final class EventProcessorTests: XCTestCase {
    private func makeProcessor(pool: PostgresPool, handler: @escaping EventSubscription.Handler) throws -> (EventProcessor, KafkaProducer) {
        try makeProcessor(pool: pool, subscription: EventSubscription(name: "test", topics: ["test.unused"], handler: handler))
    }

    private func makeProcessor(pool: PostgresPool, subscription: EventSubscription) throws -> (EventProcessor, KafkaProducer) {
        let configuration = try TestBroker.configuration("processor-test")
        let producer = try KafkaProducer(configuration: configuration, logger: TestBroker.logger)
        let consumer = try KafkaConsumer(configuration: configuration, groupId: "processor-test-\(UUID().uuidString)",
                                         topics: ["test.unused"], logger: TestBroker.logger)
        let processor = EventProcessor(subscription: subscription, consumer: consumer, pool: pool, producer: producer,
                                       metrics: MetricsRegistry(), logger: TestBroker.logger)
        return (processor, producer)
    }

    private func message(_ envelope: EventEnvelope, topic: String = "test.in", partition: Int32 = 0, offset: Int64 = 7) throws -> KafkaMessage {
        KafkaMessage(topic: topic, partition: partition, offset: offset, key: Array(envelope.subject.utf8), value: try envelope.encoded(),
                     headers: [], timestampMs: nil)
    }

    func testAnOriginHandlerLearnsTheRecordEachEventCameInAloneAndInABatch() throws {
        let pool = try MessagingTestSupport.freshPool()
        defer { pool.close() }
        let seen = Locked<[EventOrigin]>([])
        let subscription = EventSubscription(name: "test", topics: ["test.unused"]) { _, origin, _ in
            seen.withLock { $0.append(origin) }
        }
        let (processor, producer) = try makeProcessor(pool: pool, subscription: subscription)
        defer { producer.close(timeout: 2) }
        XCTAssertEqual(try processor.process(try message(MessagingTestSupport.envelope(), topic: "test.from.a", partition: 2, offset: 41)), .applied)
        let batch = [try message(MessagingTestSupport.envelope(), topic: "test.from.b", partition: 0, offset: 5),
                     try message(MessagingTestSupport.envelope(), topic: "test.from.a", partition: 1, offset: 9)]
        XCTAssertEqual(try processor.processBatch(batch), [.applied, .applied])
        XCTAssertEqual(seen.current, [EventOrigin(topic: "test.from.a", partition: 2, offset: 41),
                                      EventOrigin(topic: "test.from.b", partition: 0, offset: 5),
                                      EventOrigin(topic: "test.from.a", partition: 1, offset: 9)])
    }

    func testTheSameEventTwiceIsAppliedOnce() throws {
        let pool = try MessagingTestSupport.freshPool()
        defer { pool.close() }
        try pool.withConnection { try $0.execute("CREATE TABLE effects (event_id uuid NOT NULL)") }
        let (processor, producer) = try makeProcessor(pool: pool) { envelope, connection in
            try connection.execute("INSERT INTO effects (event_id) VALUES ($1)", [envelope.id])
        }
        defer { producer.close(timeout: 2) }
        let m = try message(MessagingTestSupport.envelope())
        XCTAssertEqual(try processor.process(m), .applied)
        XCTAssertEqual(try processor.process(m), .duplicate)
        let count = try pool.withConnection { try $0.query("SELECT count(*) AS n FROM effects").first!.int("n") }
        XCTAssertEqual(count, 1)
    }

    func testAPassingFailureRollsBackTheInboxRowSoThatTheRetryApplies() throws {
        let pool = try MessagingTestSupport.freshPool()
        defer { pool.close() }
        let attempts = Locked(0)
        let (processor, producer) = try makeProcessor(pool: pool) { _, _ in
            let n = attempts.withLock { $0 += 1; return $0 }
            if n == 1 { throw PassingFailure() }
        }
        defer { producer.close(timeout: 2) }
        let m = try message(MessagingTestSupport.envelope())
        XCTAssertThrowsError(try processor.process(m))
        XCTAssertEqual(try processor.process(m), .applied)
        XCTAssertEqual(attempts.current, 2)
    }

    func testARejectedEventGoesToTheDeadLetterTopicAndLeavesNoEffect() throws {
        let pool = try MessagingTestSupport.freshPool()
        defer { pool.close() }
        let (processor, producer) = try makeProcessor(pool: pool) { envelope, _ in
            throw EventRejected("test rejects \(envelope.type)")
        }
        defer { producer.close(timeout: 2) }
        let topic = "test.reject.\(UUID().uuidString.prefix(8))"
        let m = try message(MessagingTestSupport.envelope(), topic: topic)
        XCTAssertEqual(try processor.process(m), .deadLettered)
        let inbox = try pool.withConnection { try $0.query("SELECT count(*) AS n FROM inbox").first!.int("n") }
        XCTAssertEqual(inbox, 0)
        let dead = try TestBroker.read(topic + ".dlq", count: 1, within: 20)
        XCTAssertEqual(dead.first?.value, m.value)
        XCTAssertEqual(dead.first?.header("dlq-reason").map { String(decoding: $0, as: UTF8.self) }, "test rejects test.Something")
    }

    struct PassingFailure: Error {}
}
