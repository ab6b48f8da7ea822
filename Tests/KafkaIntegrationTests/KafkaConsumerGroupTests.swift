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
        try waitUntil("both members own partitions", within: 40) {
            let a = first.consumer.assignedPartitions.count
            let b = second.consumer.assignedPartitions.count
            return a > 0 && b > 0 && a + b == 4
        }
        let owned = (first.consumer.assignedPartitions + second.consumer.assignedPartitions).map(\.partition)
        XCTAssertEqual(owned.sorted(), [0, 1, 2, 3])

        try Support.produce(Support.records(topic: topic, count: 40))
        try waitUntil("all 40 messages received", within: 30) {
            first.received.current.count + second.received.current.count >= 40
        }
        // Give possible duplicates a moment to show up.
        Thread.sleep(forTimeInterval: 1)
        let all = first.received.current + second.received.current
        XCTAssertEqual(all.compactMap(Support.index).sorted(), Array(0..<40), "every message exactly once")
        XCTAssertFalse(first.received.current.isEmpty)
        XCTAssertFalse(second.received.current.isEmpty)

        // The second member leaves; the first takes over everything and sees only new messages.
        second.stop()
        try waitUntil("the remaining member owns all partitions", within: 30) {
            first.consumer.assignedPartitions.count == 4
        }
        try Support.produce(Support.records(topic: topic, count: 20, from: 40))
        try waitUntil("the 20 new messages received", within: 30) {
            first.received.current.count + second.received.current.count >= 60
        }
        Thread.sleep(forTimeInterval: 1)
        first.stop()
        stopped = true
        let everything = first.received.current + second.received.current
        XCTAssertEqual(everything.compactMap(Support.index).sorted(), Array(0..<60), "no redelivery after the hand-over")
        XCTAssertNil(first.failure.current)
        XCTAssertNil(second.failure.current)
    }

    private func waitUntil(_ what: String, within seconds: Double, _ condition: () -> Bool) throws {
        let deadline = Date(timeIntervalSinceNow: seconds)
        while !condition() {
            guard Date() < deadline else { throw TestFailure("timed out after \(seconds) s waiting until \(what)") }
            Thread.sleep(forTimeInterval: 0.1)
        }
    }
}
