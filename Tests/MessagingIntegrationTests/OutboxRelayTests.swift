import Foundation
import IASKafka
import IASMessaging
import IASPostgres
import IASRuntime
import TestSupport
import XCTest

final class OutboxRelayTests: XCTestCase {
    /// A relay over a fresh database; the producer, then the pool, are closed after the test.
    private func makeRelay(_ kafka: KafkaConfiguration, closingWithin seconds: Double = 5,
                           _ configuration: OutboxRelay.Configuration = .init()) throws -> (OutboxRelay, PostgresPool) {
        let pool = try MessagingTestSupport.freshPool()
        addTeardownBlock { pool.close() }
        let producer = try KafkaProducer(configuration: kafka, logger: TestBroker.logger)
        addTeardownBlock { producer.close(timeout: seconds) }
        return (OutboxRelay(pool: pool, producer: producer, metrics: MetricsRegistry(), logger: TestBroker.logger,
                            configuration: configuration), pool)
    }

    func testARowThatCommitsAfterAHigherIdIsStillPublished() throws {
        let (relay, pool) = try makeRelay(TestBroker.configuration("relay-test"))
        let topic = "test.outbox.\(UUID().uuidString.prefix(8))"
        let slow = MessagingTestSupport.envelope()
        let fast = MessagingTestSupport.envelope()

        // The slow writer takes the lower id but commits last.
        let inserted = DispatchSemaphore(value: 0)
        let mayCommit = DispatchSemaphore(value: 0)
        let committed = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            try? pool.transaction { connection in
                try Outbox.append(slow, to: topic, on: connection)
                inserted.signal()
                mayCommit.wait()
            }
            committed.signal()
        }
        inserted.wait()
        try pool.transaction { try Outbox.append(fast, to: topic, on: $0) }

        XCTAssertEqual(try relay.publishBatch(), 1, "only the committed row is visible")
        mayCommit.signal()
        committed.wait()
        XCTAssertEqual(try relay.publishBatch(), 1, "the late row is found although a higher id was published before it")
        XCTAssertEqual(try relay.publishBatch(), 0)

        let received = try TestBroker.read(topic, count: 2, within: 20)
        let ids = Set(try received.map { try EventEnvelope.decode($0.value).id })
        XCTAssertEqual(ids, [slow.id, fast.id])
        let unpublished = try pool.withConnection { try Outbox.backlog(on: $0) }
        XCTAssertEqual(unpublished, 0)
    }

    func testRowsStayUnpublishedWhenTheBrokerDoesNotConfirm() throws {
        var configuration = KafkaConfiguration(brokers: "127.0.0.1:1", clientId: "relay-unreachable")
        configuration.properties["message.timeout.ms"] = "1500"
        var relayConfiguration = OutboxRelay.Configuration()
        relayConfiguration.deliveryTimeout = 5
        let (relay, pool) = try makeRelay(configuration, closingWithin: 1, relayConfiguration)
        try pool.transaction { connection in
            for _ in 0..<3 { try Outbox.append(MessagingTestSupport.envelope(), to: "test.unreachable", on: connection) }
        }
        XCTAssertEqual(try relay.publishBatch(), 0)
        let rows = try pool.withConnection {
            try $0.query("SELECT attempts, last_error, published_at FROM outbox ORDER BY id")
        }
        XCTAssertEqual(rows.count, 3)
        for row in rows {
            XCTAssertNil(row["published_at"])
            XCTAssertEqual(try row.int("attempts"), 1)
            XCTAssertNotNil(row["last_error"])
        }
    }

    func testEventsOfOneCaseArePublishedInOrderUnderItsKey() throws {
        let (relay, pool) = try makeRelay(TestBroker.configuration("relay-order"))
        let topic = "test.order.\(UUID().uuidString.prefix(8))"
        let caseId = Identifier().description
        let envelopes = (0..<50).map { _ in MessagingTestSupport.envelope(subject: caseId) }
        for envelope in envelopes { try pool.transaction { try Outbox.append(envelope, to: topic, on: $0) } }
        XCTAssertEqual(try relay.publishBatch(), 50)
        let received = try TestBroker.read(topic, count: 50, within: 20)
        XCTAssertEqual(try received.map { try EventEnvelope.decode($0.value).id }, envelopes.map(\.id))
        XCTAssertTrue(received.allSatisfy { $0.key == Array(caseId.utf8) })
        XCTAssertEqual(received.first?.header("content-type").map { String(decoding: $0, as: UTF8.self) }, EventEnvelope.contentType)
        // Structured mode only: a `ce_` header would make CloudEvents readers take the record for binary mode.
        XCTAssertEqual(Set(received.flatMap { $0.headers.map(\.key) }), ["content-type"])
    }

    func testAsAWorkerAWakeUpPublishesAtOnceAndAStopEndsTheWaitingRelay() throws {
        var configuration = OutboxRelay.Configuration()
        configuration.pollInterval = 30   // only a wake-up can explain a prompt publication
        let (relay, pool) = try makeRelay(TestBroker.configuration("relay-worker"),
                                          closingWithin: 5, configuration)
        let topic = "test.wake.\(UUID().uuidString.prefix(8))"
        let running = try WorkerThread.start(relay)
        Thread.sleep(forTimeInterval: 0.3)   // the first (empty) batch is done; the relay waits
        let envelope = MessagingTestSupport.envelope()
        try pool.transaction { try Outbox.append(envelope, to: topic, on: $0) }
        relay.wake()
        let deadline = Date(timeIntervalSinceNow: 5)
        while try pool.withConnection({ try Outbox.backlog(on: $0) }) > 0 && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        XCTAssertEqual(try pool.withConnection { try Outbox.backlog(on: $0) }, 0, "published after the wake-up, not the 30 s poll")
        let received = try TestBroker.read(topic, count: 1, within: 20)
        XCTAssertEqual(try received.map { try EventEnvelope.decode($0.value).id }, [envelope.id])
        let stopping = Date()
        XCTAssertTrue(running.stop(within: 10), "a stop ends the relay's 30 s wait")
        XCTAssertLessThan(Date().timeIntervalSince(stopping), 5)
    }
}
