import Foundation
import IASKafka
import TestSupport
import XCTest

final class KafkaProducerTests: XCTestCase {
    private typealias Support = TestBroker

    func testRecordsWithKeysAndHeadersAreDeliveredAndConsumedOnce() throws {
        let topic = try Support.makeTopic("produce", partitions: 3)
        var records = Support.records(topic: topic, count: 50)
        // Edge cases: no key, empty value, a header without value, repeated header keys.
        records[0] = KafkaRecord(
            topic: topic, key: nil, value: [],
            headers: [KafkaHeader(key: "index", value: Array("0".utf8)), KafkaHeader(key: "empty", value: nil), TestEnvironment.poisonHeader])
        records[1].headers.append(KafkaHeader(key: "index", value: Array("1".utf8)))
        records[1].headers.append(KafkaHeader(key: "binary", value: [0, 255, 10]))

        let producer = try KafkaProducer(configuration: Support.configuration(), logger: Support.logger)
        defer { producer.close(timeout: 5) }
        XCTAssertTrue(producer.ping(timeoutMs: 5000))
        let results = producer.send(records, timeout: 15)
        XCTAssertEqual(results.count, records.count)
        for (index, result) in results.enumerated() {
            if case .failure(let error) = result { XCTFail("record \(index): \(error)") }
        }

        let consumer = try Support.consumer(group: Support.unique("group"), topic: topic)
        defer { consumer.close() }
        let messages = try Support.poll(consumer, count: records.count, store: true)
        XCTAssertEqual(messages.count, records.count)
        var seen = Set<Int>()
        for message in messages {
            guard let index = Support.index(message) else { return XCTFail("message without index header") }
            XCTAssertTrue(seen.insert(index).inserted, "message \(index) delivered twice")
            let record = records[index]
            XCTAssertEqual(message.topic, topic)
            XCTAssertEqual(message.key, record.key)
            XCTAssertEqual(message.value, record.value)
            XCTAssertEqual(message.headers, record.headers)
            XCTAssertNotNil(message.timestampMs)
        }
        XCTAssertEqual(seen, Set(0..<records.count))
        let first = try XCTUnwrap(messages.first { Support.index($0) == 0 })
        XCTAssertNil(first.key)
        XCTAssertNil(first.header("empty"))
        XCTAssertTrue(first.headers.contains(KafkaHeader(key: "empty", value: nil)))
        XCTAssertEqual(messages.first { Support.index($0) == 1 }?.header("binary"), [0, 255, 10])
        // Records with the same key keep their order within the partition.
        for key in Set(records.compactMap(\.key)) {
            let indexes = messages.filter { $0.key == key }.sorted { $0.offset < $1.offset }.compactMap(Support.index)
            XCTAssertEqual(indexes, indexes.sorted())
        }
    }

    func testUnreachableBrokerGivesFailuresNotSuccess() throws {
        var configuration = try Support.configuration()
        configuration.brokers = "127.0.0.1:\(TestEnvironment.freePort())"
        let producer = try KafkaProducer(configuration: configuration, logger: Support.logger)
        XCTAssertFalse(producer.ping(timeoutMs: 500))
        let started = Date()
        let results = producer.send(Support.records(topic: "unreachable", count: 5), timeout: 2)
        XCTAssertEqual(results.count, 5)
        for result in results {
            guard case .failure(let error) = result else { return XCTFail("a record counted as delivered") }
            XCTAssertTrue(error.isTimeout, "\(error)")
        }
        XCTAssertLessThan(Date().timeIntervalSince(started), 5)
        let closing = Date()
        producer.close(timeout: 1)
        XCTAssertLessThan(Date().timeIntervalSince(closing), 5)
        // A closed producer refuses at once.
        let afterClose = producer.send(Support.records(topic: "unreachable", count: 1), timeout: 1)
        guard case .failure = afterClose.first else { return XCTFail("send after close succeeded") }
    }

    func testInvalidPropertyIsReportedClearly() throws {
        var configuration = try Support.configuration()
        configuration.properties["no.such.property"] = "1"
        XCTAssertThrowsError(try KafkaProducer(configuration: configuration, logger: Support.logger)) { error in
            XCTAssertTrue(String(describing: error).contains("no.such.property"), "\(error)")
        }
    }
}
