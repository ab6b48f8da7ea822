import Foundation
@testable import IASRuntime
import XCTest

/// `MonotonicCondition`: the one way the pool, the producer, the stop signal, the upload slots
/// and awaited events wait with a deadline.
final class MonotonicWaitTests: XCTestCase {
    /// The deadline is read on CLOCK_MONOTONIC. Seconds since boot read on the wall clock lie in
    /// 1970: a condition waiting on the wall clock would return at once, long before the
    /// deadline, again and again (thousands of returns instead of one or two).
    func testAWaitWithoutASignalEndsAtTheDeadlineNotBeforeAndOnTheMonotonicClock() {
        let condition = MonotonicCondition()
        let start = MonotonicClock.now(), deadline = start + 0.3
        var returns = 1
        condition.lock()
        while condition.wait(until: deadline) { returns += 1 }
        condition.unlock()
        let waited = MonotonicClock.now() - start
        XCTAssertGreaterThanOrEqual(waited, 0.3)
        XCTAssertLessThan(waited, 1.3)
        XCTAssertLessThan(returns, 5, "the wait returned early \(returns) times")
    }

    func testAFarDeadlineIsAValidWait() {
        let condition = MonotonicCondition()
        condition.lock()
        defer { condition.unlock() }
        final class Box: @unchecked Sendable { var done = false }
        // A deadline far beyond a day: the wait is cut to a day and a signal ends it.
        let box = Box()
        let c = condition
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.05) { c.withLock { box.done = true; c.broadcast() } }
        let start = MonotonicClock.now()
        while !box.done, condition.wait(until: .greatestFiniteMagnitude) {}
        XCTAssertTrue(box.done)
        XCTAssertLessThan(MonotonicClock.now() - start, 1)
    }

    func testAPassedDeadlineReturnsAtOnce() {
        let condition = MonotonicCondition()
        condition.lock()
        defer { condition.unlock() }
        let start = MonotonicClock.now()
        XCTAssertFalse(condition.wait(until: start - 1))
        XCTAssertFalse(condition.wait(until: start))
        XCTAssertLessThan(MonotonicClock.now() - start, 1)
    }

    func testASignalEndsTheWaitLongBeforeTheDeadline() {
        final class Flag: @unchecked Sendable { let condition = MonotonicCondition(); var ready = false }
        let flag = Flag()
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.05) {
            flag.condition.lock(); flag.ready = true; flag.condition.broadcast(); flag.condition.unlock()
        }
        let start = MonotonicClock.now()
        flag.condition.lock()
        while !flag.ready, flag.condition.wait(until: start + 10) {}
        let ready = flag.ready
        flag.condition.unlock()
        XCTAssertTrue(ready)
        XCTAssertLessThan(MonotonicClock.now() - start, 1)
    }

    func testTheStopSignalPausesOnTheSameClock() {
        let signal = StopSignal()
        let start = MonotonicClock.now()
        XCTAssertFalse(signal.wait(seconds: 0.3))
        XCTAssertGreaterThanOrEqual(MonotonicClock.now() - start, 0.3)
    }
}
