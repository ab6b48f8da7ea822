import Foundation
import IASKafka
@testable import IASMessaging
import IASPostgres
import IASRuntime
import TestSupport
import XCTest

/// Batched application: many events per transaction, and still each applied exactly once, in
/// order per partition, through rejections, redeliveries and database outages.
final class EventBatchTests: XCTestCase {
    private typealias Support = MessagingTestSupport

    /// The effect of each event: its order of application and the transaction that applied it.
    private static let effectsTable = """
        CREATE TABLE effects (seq bigserial PRIMARY KEY, event_id uuid NOT NULL, subject text NOT NULL, n int NOT NULL,
                              tx bigint NOT NULL DEFAULT txid_current())
        """

    /// Events of `subjects` subjects, `perSubject` each, numbered per subject from 0.
    private struct Events {
        let envelopes: [EventEnvelope]
        let numbers: [Identifier: Int]

        init(subjects: Int, perSubject: Int) {
            let ids = (0..<subjects).map { _ in Identifier().description }
            var envelopes: [EventEnvelope] = []
            var numbers: [Identifier: Int] = [:]
            for n in 0..<perSubject {
                for subject in ids {
                    let envelope = Support.envelope(subject: subject)
                    envelopes.append(envelope)
                    numbers[envelope.id] = n
                }
            }
            self.envelopes = envelopes; self.numbers = numbers
        }

        func record(_ envelope: EventEnvelope, on connection: PostgresConnection) throws {
            try connection.execute("INSERT INTO effects (event_id, subject, n) VALUES ($1, $2, $3)",
                                   [envelope.id, envelope.subject, numbers[envelope.id] ?? -1])
        }
    }

    private func makeTopic(partitions: Int) throws -> String {
        let topic = "test.batch.\(UUID().uuidString.prefix(8).lowercased())"
        let admin = try KafkaAdmin(configuration: TestBroker.configuration("batch-admin"), logger: TestBroker.logger)
        defer { admin.close() }
        try admin.ensureTopics([(name: topic, partitions: partitions)], timeout: 10)
        return topic
    }

    private func produce(_ envelopes: [EventEnvelope], to topic: String) throws {
        let producer = try KafkaProducer(configuration: TestBroker.configuration("batch-producer"),
                                         logger: TestBroker.logger)
        defer { producer.close(timeout: 5) }
        let records = try envelopes.map { try KafkaRecord.event($0, topic: topic) }
        for (index, result) in producer.send(records, timeout: 15).enumerated() {
            if case .failure(let error) = result { XCTFail("event \(index) not delivered: \(error)") }
        }
    }

    private func makeProcessor(pool: PostgresPool, topic: String, group: String = "batch-\(UUID().uuidString)",
                               metrics: MetricsRegistry = MetricsRegistry(), configuration: EventProcessor.Configuration = .init(),
                               afterCommit: @escaping @Sendable () -> Void = {},
                               handler: @escaping EventSubscription.Handler) throws -> (EventProcessor, KafkaProducer) {
        let kafka = try TestBroker.configuration("batch-test")
        let producer = try KafkaProducer(configuration: kafka, logger: TestBroker.logger)
        let consumer = try KafkaConsumer(configuration: kafka, groupId: group, topics: [topic], logger: TestBroker.logger)
        let processor = EventProcessor(subscription: EventSubscription(name: "test", topics: [topic], handler: handler),
                                       consumer: consumer, pool: pool, producer: producer, metrics: metrics,
                                       logger: TestBroker.logger, configuration: configuration, afterCommit: afterCommit)
        return (processor, producer)
    }

    private func messages(_ envelopes: [EventEnvelope], topic: String) throws -> [KafkaMessage] {
        try envelopes.enumerated().map { index, envelope in
            KafkaMessage(topic: topic, partition: 0, offset: Int64(index), key: Array(envelope.subject.utf8),
                         value: try envelope.encoded(), headers: [], timestampMs: nil)
        }
    }

    private func count(_ pool: PostgresPool, _ sql: String) throws -> Int {
        try pool.withConnection { try $0.query(sql).first!.int("n") }
    }

    /// Every event once, and per subject (so per partition) in the order produced.
    private func assertAppliedOnceInOrder(_ pool: PostgresPool, _ events: Events, file: StaticString = #filePath, line: UInt = #line) throws {
        let rows = try pool.withConnection { try $0.query("SELECT event_id::text AS id, subject, n FROM effects ORDER BY seq") }
        XCTAssertEqual(rows.count, events.envelopes.count, "each event applied once", file: file, line: line)
        XCTAssertEqual(Set(try rows.map { try $0.string("id") }).count, events.envelopes.count, "no event twice", file: file, line: line)
        var next: [String: Int] = [:]
        for row in rows {
            let subject = try row.string("subject"), n = try row.int("n")
            XCTAssertEqual(n, next[subject, default: 0], "events of subject \(subject) out of order", file: file, line: line)
            next[subject] = n + 1
        }
    }

    /// An event that must wait for another topic's event (a passing failure) holds back only
    /// its own partition: the event it waits for, later in the same batch, is applied, and so
    /// is the waiting one on the next attempt. Before, the whole batch was rewound and the
    /// consumer could wait forever for an event stuck behind the waiting one.
    func testAWaitingEventHoldsBackOnlyItsOwnPartition() throws {
        struct NotYet: Error {}
        let pool = try Support.freshPool()
        defer { pool.close() }
        try pool.withConnection { try $0.execute(Self.effectsTable) }
        let awaited = Support.envelope(subject: "awaited")
        let waiting = Support.envelope(subject: "waiting"), afterWaiting = Support.envelope(subject: "waiting")
        let other = Support.envelope(subject: "other")
        let events = Events(subjects: 0, perSubject: 0)
        let (processor, producer) = try makeProcessor(pool: pool, topic: "test.unused") { envelope, connection in
            if envelope.id == waiting.id,
               try connection.query("SELECT 1 FROM effects WHERE event_id = $1", [awaited.id]).isEmpty { throw NotYet() }
            try events.record(envelope, on: connection)
        }
        defer { producer.close(timeout: 2) }
        func message(_ envelope: EventEnvelope, partition: Int32, offset: Int64) throws -> KafkaMessage {
            KafkaMessage(topic: "test.batch.wait", partition: partition, offset: offset, key: Array(envelope.subject.utf8),
                         value: try envelope.encoded(), headers: [], timestampMs: nil)
        }
        let batch = [try message(waiting, partition: 0, offset: 10), try message(afterWaiting, partition: 0, offset: 11),
                     try message(awaited, partition: 1, offset: 20), try message(other, partition: 1, offset: 21)]

        XCTAssertThrowsError(try processor.processBatch(batch)) { error in
            guard let partial = error as? ConsumerLoop.PartialBatch else { return XCTFail("expected a partial batch, got \(error)") }
            XCTAssertEqual(partial.unapplied, [0, 1], "only the waiting event and the one behind it on its partition are held")
            XCTAssertTrue(partial.cause is NotYet)
        }
        let applied = try pool.withConnection { try $0.query("SELECT event_id::text AS id FROM effects ORDER BY seq").map { try $0.string("id") } }
        XCTAssertEqual(applied, [awaited.id.description, other.id.description])

        // The held partition comes again (rewound): now the awaited event is there.
        XCTAssertEqual(try processor.processBatch(Array(batch[0...1])), [.applied, .applied])
        let all = try pool.withConnection { try $0.query("SELECT event_id::text AS id FROM effects ORDER BY seq").map { try $0.string("id") } }
        XCTAssertEqual(all, [awaited.id, other.id, waiting.id, afterWaiting.id].map(\.description), "partition 0 kept its order")
    }

    func testABatchIsAppliedInOneTransactionAndWakesTheRelayOnce() throws {
        let pool = try Support.freshPool()
        defer { pool.close() }
        try pool.withConnection { try $0.execute(Self.effectsTable) }
        let events = Events(subjects: 5, perSubject: 20)
        let wakes = Locked(0)
        let (processor, producer) = try makeProcessor(pool: pool, topic: "test.unused", afterCommit: { wakes.withLock { $0 += 1 } }) {
            envelope, connection in try events.record(envelope, on: connection)
        }
        defer { producer.close(timeout: 2) }

        let outcomes = try processor.processBatch(try messages(events.envelopes, topic: "test.batch.direct"))
        XCTAssertEqual(outcomes, Array(repeating: .applied, count: 100))
        XCTAssertEqual(try count(pool, "SELECT count(DISTINCT tx) AS n FROM effects"), 1, "one transaction, one commit")
        XCTAssertEqual(try count(pool, "SELECT count(*) AS n FROM inbox"), 100)
        XCTAssertEqual(wakes.current, 1)
        try assertAppliedOnceInOrder(pool, events)

        // The same batch again, as after a rewind: nothing more happens.
        XCTAssertEqual(try processor.processBatch(try messages(events.envelopes, topic: "test.batch.direct")),
                       Array(repeating: .duplicate, count: 100))
        XCTAssertEqual(try count(pool, "SELECT count(*) AS n FROM effects"), 100)
        XCTAssertEqual(wakes.current, 1, "no wake-up when nothing was applied")
    }

    func testAPoisonEventInABatchIsDeadLetteredAloneAndTheOthersApplyOnceInOrder() throws {
        let pool = try Support.freshPool()
        defer { pool.close() }
        try pool.withConnection { try $0.execute(Self.effectsTable) }
        let events = Events(subjects: 1, perSubject: 10)
        let poison = events.envelopes[5].id
        let metrics = MetricsRegistry()
        let (processor, producer) = try makeProcessor(pool: pool, topic: "test.unused", metrics: metrics) { envelope, connection in
            try events.record(envelope, on: connection)
            if envelope.id == poison { throw EventRejected("test rejects event 5") }
        }
        defer { producer.close(timeout: 2) }
        let topic = "test.poison.\(UUID().uuidString.prefix(8).lowercased())"
        var batch = try messages(events.envelopes, topic: topic)
        // An undecodable message too, at the end: it goes to the dead-letter topic as well.
        batch.append(KafkaMessage(topic: topic, partition: 0, offset: 10, key: nil, value: Array("not json".utf8), headers: [], timestampMs: nil))

        let outcomes = try processor.processBatch(batch)
        XCTAssertEqual(outcomes, Array(repeating: .applied, count: 5) + [.deadLettered] + Array(repeating: .applied, count: 4) + [.deadLettered])
        XCTAssertEqual(metrics.counterValue("ias_event_batches_split_total", labels: ["consumer": "test"]), 1)
        XCTAssertEqual(metrics.counterValue("ias_events_consumed_total", labels: ["consumer": "test", "topic": topic, "outcome": "applied"]), 9)
        let rows = try pool.withConnection { try $0.query("SELECT n FROM effects ORDER BY seq") }
        XCTAssertEqual(try rows.map { try $0.int("n") }, [0, 1, 2, 3, 4, 6, 7, 8, 9], "the poison event left no effect; the rest in order")
        XCTAssertEqual(try count(pool, "SELECT count(*) AS n FROM inbox"), 9)

        let dead = try TestBroker.read(topic + ".dlq", count: 3, within: 8)
        XCTAssertEqual(dead.count, 2, "the poison event and the undecodable message, nothing else")
        // Keyed differently, they may sit in different partitions of the dead-letter topic.
        let reasons = Dictionary(dead.map { ($0.value, $0.header("dlq-reason").map { String(decoding: $0, as: UTF8.self) } ?? "") },
                                 uniquingKeysWith: { first, _ in first })
        XCTAssertEqual(reasons[batch[5].value], "test rejects event 5")
        XCTAssertEqual(reasons[batch[10].value]?.isEmpty, false)
    }

    func testEventsFromTheBrokerApplyInBatchesOnceAndInOrderAndARedeliveryChangesNothing() throws {
        let pool = try Support.freshPool()
        defer { pool.close() }
        try pool.withConnection { try $0.execute(Self.effectsTable) }
        let topic = try makeTopic(partitions: 3)
        let events = Events(subjects: 12, perSubject: 25)
        try produce(events.envelopes, to: topic)
        var configuration = EventProcessor.Configuration()
        configuration.batching.lingerMs = 20
        let (processor, producer) = try makeProcessor(pool: pool, topic: topic, configuration: configuration) { envelope, connection in
            try events.record(envelope, on: connection)
        }
        defer { producer.close(timeout: 2) }
        let running = try WorkerThread.start(processor)
        XCTAssertTrue(try eventually(within: 30) { try count(pool, "SELECT count(*) AS n FROM effects") >= 300 })
        running.stop()
        try assertAppliedOnceInOrder(pool, events)
        let transactions = try count(pool, "SELECT count(DISTINCT tx) AS n FROM effects")
        XCTAssertLessThan(transactions, 100, "300 events took \(transactions) transactions: they were not batched")

        // Offsets rewound: a new group reads everything again under the same inbox name.
        let metrics = MetricsRegistry()
        let (again, secondProducer) = try makeProcessor(pool: pool, topic: topic, metrics: metrics) { envelope, connection in
            try events.record(envelope, on: connection)
        }
        defer { secondProducer.close(timeout: 2) }
        let runningAgain = try WorkerThread.start(again)
        let duplicates = { metrics.counterValue("ias_events_consumed_total", labels: ["consumer": "test", "topic": topic, "outcome": "duplicate"]) }
        XCTAssertTrue(eventually(within: 30) { duplicates() >= 300 })
        runningAgain.stop()
        XCTAssertEqual(duplicates(), 300)
        try assertAppliedOnceInOrder(pool, events)
    }

    func testADatabaseOutageInTheMiddleRewindsAndRetriesWithNothingLostOrDoubled() throws {
        let pool = try Support.freshPool()
        defer { pool.close() }
        try pool.withConnection { try $0.execute(Self.effectsTable) }
        let database = try pool.withConnection { try $0.query("SELECT current_database() AS name").first!.string("name") }
        let admin = try TestDatabase.pool()
        defer { admin.close() }
        let topic = try makeTopic(partitions: 3)
        let events = Events(subjects: 9, perSubject: 20)
        try produce(events.envelopes, to: topic)
        let trigger = events.envelopes[90].id
        let outage = Locked(false)
        let metrics = MetricsRegistry()
        let (processor, producer) = try makeProcessor(pool: pool, topic: topic, metrics: metrics) { envelope, connection in
            try events.record(envelope, on: connection)
            let start = envelope.id == trigger && outage.withLock { started in defer { started = true }; return !started }
            guard start else { return }
            // The database goes away under the running batch: no new sessions, the open ones killed.
            try admin.withConnection { admin in
                try admin.execute("ALTER DATABASE \(database) ALLOW_CONNECTIONS false")   // generated name, not input
                _ = try admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", [database])
            }
            Thread.detachNewThread {
                Thread.sleep(forTimeInterval: 2)
                _ = try? admin.withConnection { try $0.execute("ALTER DATABASE \(database) ALLOW_CONNECTIONS true") }
            }
        }
        defer { producer.close(timeout: 2) }
        let running = try WorkerThread.start(processor)
        XCTAssertTrue(eventually(within: 40) { (try? count(pool, "SELECT count(*) AS n FROM effects")) ?? 0 >= 180 })
        running.stop()
        XCTAssertTrue(outage.current, "the outage happened")
        XCTAssertGreaterThan(metrics.counterValue("ias_events_retried_total", labels: ["consumer": "test"]), 0)
        try assertAppliedOnceInOrder(pool, events)
        XCTAssertEqual(try count(pool, "SELECT count(*) AS n FROM inbox"), 180)
    }

    func testLagGrowsWhileTheConsumerIsHeldAndFallsToZeroAfterward() throws {
        let pool = try Support.freshPool()
        defer { pool.close() }
        try pool.withConnection { try $0.execute(Self.effectsTable) }
        let topic = try makeTopic(partitions: 1)
        let events = Events(subjects: 1, perSubject: 10)
        let entered = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0)
        let held = Locked(false)
        var configuration = EventProcessor.Configuration()
        configuration.lagRefreshSeconds = 0.2
        let metrics = MetricsRegistry()
        let (processor, producer) = try makeProcessor(pool: pool, topic: topic, metrics: metrics, configuration: configuration) {
            envelope, connection in
            try events.record(envelope, on: connection)
            if held.withLock({ h in defer { h = true }; return !h }) {
                entered.signal()
                release.wait()
            }
        }
        defer { producer.close(timeout: 2) }
        EventProcessor.registerLagGauge(on: metrics) { [processor] }
        let running = try WorkerThread.start(processor)
        try produce([events.envelopes[0]], to: topic)
        XCTAssertEqual(entered.wait(timeout: .now() + 30), .success, "the first event reached the handler")
        // The consumer is stuck in its first event; the rest arrive meanwhile.
        try produce(Array(events.envelopes[1...]), to: topic)
        let total = { processor.lag.reduce(0) { $0 + $1.lag } }
        XCTAssertTrue(eventually(within: 15) { total() == 10 }, "lag \(processor.lag)")
        XCTAssertTrue(metrics.render().contains("ias_consumer_lag{consumer=\"test\",partition=\"0\",topic=\"\(topic)\"} 10"))

        release.signal()
        XCTAssertTrue(try eventually(within: 30) { try count(pool, "SELECT count(*) AS n FROM effects") >= 10 })
        XCTAssertTrue(eventually(within: 15) { total() == 0 }, "lag \(processor.lag)")
        XCTAssertEqual(processor.lag.count, 1)
        running.stop()
        XCTAssertTrue(processor.lag.isEmpty, "a stopped consumer reports no lag")
        try assertAppliedOnceInOrder(pool, events)
    }
}
