import Foundation
import IASKafka
import TestSupport
import XCTest

final class KafkaAdminTests: XCTestCase {
    private typealias Support = TestBroker

    func testEnsureTopicsIsIdempotent() throws {
        let admin = try KafkaAdmin(configuration: Support.configuration(), logger: Support.logger)
        defer { admin.close() }
        let a = Support.unique("admin-a")
        let b = Support.unique("admin-b")
        try admin.ensureTopics([(name: a, partitions: 3)], timeout: 10)
        try admin.ensureTopics([(name: a, partitions: 3), (name: b, partitions: 2)], timeout: 10)
        try admin.ensureTopics([(name: a, partitions: 3), (name: b, partitions: 2)], timeout: 10)
        XCTAssertEqual(try admin.partitionCount(topic: a, timeout: 10), 3)
        XCTAssertEqual(try admin.partitionCount(topic: b, timeout: 10), 2)
        XCTAssertThrowsError(try admin.partitionCount(topic: Support.unique("missing"), timeout: 10))
    }

    func testLagCountsUnconsumedMessages() throws {
        let admin = try KafkaAdmin(configuration: Support.configuration(), logger: Support.logger)
        defer { admin.close() }
        let topic = Support.unique("lag")
        let group = Support.unique("group")
        try admin.ensureTopics([(name: topic, partitions: 2)], timeout: 10)
        XCTAssertEqual(try admin.lag(groupId: group, topic: topic, timeout: 10), 0)
        try Support.produce(Support.records(topic: topic, count: 10))
        XCTAssertEqual(try admin.lag(groupId: group, topic: topic, timeout: 10), 10, "nothing committed yet")

        let consumer = try Support.consumer(group: group, topic: topic)
        defer { consumer.close() }
        let handled = try Support.poll(consumer, count: 4, store: true)
        XCTAssertEqual(handled.count, 4)
        try consumer.commitStoredOffsets()
        XCTAssertEqual(try admin.lag(groupId: group, topic: topic, timeout: 10), 6)
    }
}
