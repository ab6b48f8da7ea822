import Foundation
@testable import IASRuntime
import XCTest

/// Waits on a condition until a deadline of the monotonic clock: the one way the pool, the
/// producer, the stop signal and the upload slots wait.
final class MonotonicWaitTests: XCTestCase {
    func testAWaitWithoutASignalEndsAtTheDeadlineNotBefore() {
        let condition = NSCondition()
        let start = MonotonicClock.now(), deadline = start + 0.6
        var slices = 0
        condition.lock()
        while condition.wait(untilMonotonic: deadline) { slices += 1 }
        condition.unlock()
        let waited = MonotonicClock.now() - start
        XCTAssertGreaterThanOrEqual(waited, 0.6)
        XCTAssertLessThan(waited, 1.5)
        XCTAssertGreaterThanOrEqual(slices, 2, "the wait goes in slices of at most a quarter second")
    }

    func testAPassedDeadlineReturnsAtOnce() {
        let condition = NSCondition()
        condition.lock()
        defer { condition.unlock() }
        let start = MonotonicClock.now()
        XCTAssertFalse(condition.wait(untilMonotonic: start - 1))
        XCTAssertFalse(condition.wait(untilMonotonic: start))
        XCTAssertLessThan(MonotonicClock.now() - start, 0.05)
    }

    func testASignalEndsTheWaitLongBeforeTheDeadline() {
        final class Flag: @unchecked Sendable { let condition = NSCondition(); var ready = false }
        let flag = Flag()
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.05) {
            flag.condition.lock(); flag.ready = true; flag.condition.broadcast(); flag.condition.unlock()
        }
        let start = MonotonicClock.now()
        flag.condition.lock()
        while !flag.ready, flag.condition.wait(untilMonotonic: start + 10) {}
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
