import Foundation
import IASKafka
import IASRuntime
import TestSupport
import XCTest

final class KafkaConsumerGroupTests: XCTestCase {
    private typealias Support = TestBroker

    /// One group member on its own thread, storing each offset right after "handling".
    private final class Member: @unchecked Sendable {
        let consumer: KafkaConsumer
        let received = Locked<[KafkaMessage]>([])
        let failure = Locked<String?>(nil)
        private let stopped = Locked(false)
        private let finished = DispatchSemaphore(value: 0)

        init(group: String, topic: String) throws {
            consumer = try Support.consumer(group: group, topic: topic)
            Thread.detachNewThread { [self] in run() }
        }

        private func run() {
            defer { finished.signal() }
            while !stopped.current {
                do {
                    guard let message = try consumer.poll(timeoutMs: 200) else { continue }
                    received.withLock { $0.append(message) }
                    try consumer.storeOffset(of: message)
                } catch {
                    failure.withLock { $0 = String(describing: error) }
                    return
                }
            }
            consumer.close()
        }

        func stop() {
            stopped.withLock { $0 = true }
            finished.wait()
        }
    }

    func testTwoMembersSplitPartitionsAndReceiveEveryMessageOnce() throws {
        let topic = try Support.makeTopic("group", partitions: 4)
        let group = Support.unique("group")
        let first = try Member(group: group, topic: topic)
        let second = try Member(group: group, topic: topic)
        var stopped = false
        defer { if !stopped { first.stop(); second.stop() } }

        // Both members joined and the four partitions are split between them.
        guard eventually(within: 40, {
            let a = first.consumer.assignedPartitions.count
            let b = second.consumer.assignedPartitions.count
            return a > 0 && b > 0 && a + b == 4
        }) else {
            throw TestFailure("timed out after 40 s waiting until both members own partitions")
        }
        let owned = (first.consumer.assignedPartitions + second.consumer.assignedPartitions).map(\.partition)
        XCTAssertEqual(owned.sorted(), [0, 1, 2, 3])

        try Support.produce(Support.records(topic: topic, count: 40))
        guard eventually(within: 30, { first.received.current.count + second.received.current.count >= 40 }) else {
            throw TestFailure("timed out after 30 s waiting until all 40 messages received")
        }
        // Give possible duplicates a moment to show up.
        Thread.sleep(forTimeInterval: 1)
        let all = first.received.current + second.received.current
        XCTAssertEqual(all.compactMap(Support.index).sorted(), Array(0..<40), "every message exactly once")
        XCTAssertFalse(first.received.current.isEmpty)
        XCTAssertFalse(second.received.current.isEmpty)

        // The second member leaves; the first takes over everything and sees only new messages.
        second.stop()
        guard eventually(within: 30, { first.consumer.assignedPartitions.count == 4 }) else {
            throw TestFailure("timed out after 30 s waiting until the remaining member owns all partitions")
        }
        try Support.produce(Support.records(topic: topic, count: 20, from: 40))
        guard eventually(within: 30, { first.received.current.count + second.received.current.count >= 60 }) else {
            throw TestFailure("timed out after 30 s waiting until the 20 new messages received")
        }
        Thread.sleep(forTimeInterval: 1)
        first.stop()
        stopped = true
        let everything = first.received.current + second.received.current
        XCTAssertEqual(everything.compactMap(Support.index).sorted(), Array(0..<60), "no redelivery after the hand-over")
        XCTAssertNil(first.failure.current)
        XCTAssertNil(second.failure.current)
    }
}
