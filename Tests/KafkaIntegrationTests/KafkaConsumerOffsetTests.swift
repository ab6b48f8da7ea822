import Foundation
import IASKafka
import TestSupport
import XCTest

/// Offsets are committed only for what was stored after the "effect", so a restart
/// redelivers exactly from the first unstored message.
final class KafkaConsumerOffsetTests: XCTestCase {
    private typealias Support = TestBroker

    func testUnstoredMessagesAreRedeliveredAfterReopen() throws {
        let topic = try Support.makeTopic("offsets", partitions: 1)
        let group = Support.unique("group")
        try Support.produce(Support.records(topic: topic, count: 10))

        // Read all ten, but the effect of only the first four "committed".
        var consumer = try Support.consumer(group: group, topic: topic)
        let firstRound = try Support.poll(consumer, count: 10)
        XCTAssertEqual(firstRound.map(\.offset), Array(0..<10))
        try consumer.storeOffset(of: firstRound[3])
        consumer.close()

        consumer = try Support.consumer(group: group, topic: topic)
        let secondRound = try Support.poll(consumer, count: 6, store: true)
        XCTAssertEqual(secondRound.map(\.offset), Array(4..<10), "redelivery starts at the first unstored message")
        consumer.close()

        // Everything stored: a new member continues after it.
        try Support.produce(Support.records(topic: topic, count: 1, from: 10))
        consumer = try Support.consumer(group: group, topic: topic)
        defer { consumer.close() }
        let thirdRound = try Support.poll(consumer, count: 2, within: 8)
        XCTAssertEqual(thirdRound.map(\.offset), [10], "only the new message, nothing already stored")
    }

    /// A stack on databases of its own starts its groups at the end: what was published before
    /// it came is not taken, and a restart before anything was consumed continues at that start
    /// (it is committed at once), so nothing published in between is skipped either.
    func testANewGroupStartingAtTheEndSkipsWhatWasThereAndKeepsItsStartAcrossARestart() throws {
        let topic = try Support.makeTopic("group-end", partitions: 2)
        let group = Support.unique("group")
        try Support.produce(Support.records(topic: topic, count: 6))

        var consumer = try Support.consumer(group: group, topic: topic, newGroupStart: .end)
        let joined = try eventually(within: 30) { () -> Bool? in
            _ = try consumer.poll(timeoutMs: 100)
            return consumer.hasJoinedGroup && consumer.assignedPartitions.count == 2 ? true : nil
        }
        XCTAssertNotNil(joined, "the consumer did not get both partitions")
        XCTAssertEqual(try Support.poll(consumer, count: 1, within: 2).compactMap(Support.index), [],
                       "what was published before the group came is skipped")
        consumer.close()

        try Support.produce(Support.records(topic: topic, count: 4, from: 6))
        consumer = try Support.consumer(group: group, topic: topic, newGroupStart: .end)
        defer { consumer.close() }
        let later = try Support.poll(consumer, count: 4, within: 30)
        XCTAssertEqual(later.compactMap(Support.index).sorted(), Array(6..<10),
                       "after a restart the group continues at its committed start, not at the end of that moment")
    }

    func testSeekDeliversAMessageAgain() throws {
        let topic = try Support.makeTopic("seek", partitions: 1)
        try Support.produce(Support.records(topic: topic, count: 5))
        let consumer = try Support.consumer(group: Support.unique("group"), topic: topic)
        defer { consumer.close() }

        let messages = try Support.poll(consumer, count: 5)
        XCTAssertEqual(messages.map(\.offset), Array(0..<5))
        try consumer.storeOffset(of: messages[1])
        try consumer.seek(to: messages[2])
        let again = try Support.poll(consumer, count: 3)
        XCTAssertEqual(again.map(\.offset), [2, 3, 4])
        XCTAssertEqual(again.first?.value, messages[2].value)
    }

    func testCloseIsIdempotentAndAClosedConsumerThrows() throws {
        let topic = try Support.makeTopic("closed", partitions: 1)
        let consumer = try Support.consumer(group: Support.unique("group"), topic: topic)
        _ = try consumer.poll(timeoutMs: 100)
        consumer.close()
        consumer.close()
        XCTAssertThrowsError(try consumer.poll(timeoutMs: 10))
        XCTAssertThrowsError(try consumer.commitStoredOffsets())
        XCTAssertTrue(consumer.assignedPartitions.isEmpty)
    }

    func testTopicCreatedAfterSubscribingIsPickedUp() throws {
        let topic = Support.unique("later")
        let consumer = try Support.consumer(group: Support.unique("group"), topic: topic)
        defer { consumer.close() }
        // The topic is missing at first: polls return nil instead of throwing.
        XCTAssertNil(try consumer.poll(timeoutMs: 500))
        let admin = try KafkaAdmin(configuration: Support.configuration(), logger: Support.logger)
        defer { admin.close() }
        try admin.ensureTopics([(name: topic, partitions: 2)], timeout: 10)
        try Support.produce(Support.records(topic: topic, count: 4))
        let messages = try Support.poll(consumer, count: 4, within: 40)
        XCTAssertEqual(messages.count, 4)
    }
}
