import Foundation
import IASKafka
import IASMessaging
import IASPostgres
import IASRuntime
import TestSupport
import XCTest

final class OutboxRelayTests: XCTestCase {
    func testARowThatCommitsAfterAHigherIdIsStillPublished() throws {
        let pool = try MessagingTestSupport.freshPool()
        defer { pool.close() }
        let producer = try KafkaProducer(configuration: TestBroker.configuration("relay-test"),
                                         logger: TestBroker.logger)
        defer { producer.close(timeout: 5) }
        let relay = OutboxRelay(pool: pool, producer: producer, metrics: MetricsRegistry(), logger: TestBroker.logger)
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
        let pool = try MessagingTestSupport.freshPool()
        defer { pool.close() }
        var configuration = KafkaConfiguration(brokers: "127.0.0.1:1", clientId: "relay-unreachable")
        configuration.properties["message.timeout.ms"] = "1500"
        let producer = try KafkaProducer(configuration: configuration, logger: TestBroker.logger)
        defer { producer.close(timeout: 1) }
        var relayConfiguration = OutboxRelay.Configuration()
        relayConfiguration.deliveryTimeout = 5
        let relay = OutboxRelay(pool: pool, producer: producer, metrics: MetricsRegistry(), logger: TestBroker.logger,
                                configuration: relayConfiguration)
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
        let pool = try MessagingTestSupport.freshPool()
        defer { pool.close() }
        let producer = try KafkaProducer(configuration: TestBroker.configuration("relay-order"),
                                         logger: TestBroker.logger)
        defer { producer.close(timeout: 5) }
        let relay = OutboxRelay(pool: pool, producer: producer, metrics: MetricsRegistry(), logger: TestBroker.logger)
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
}
