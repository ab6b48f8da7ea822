import IASRuntime
import XCTest

final class BackoffTests: XCTestCase {
    func testPausesDoubleUpToTheCeilingAndStayThere() {
        var backoff = Backoff(first: 0.1)
        XCTAssertEqual((0..<9).map { _ in backoff.next() }, [0.1, 0.2, 0.4, 0.8, 1.6, 3.2, 5, 5, 5])
    }

    func testAResetStartsAgainFromTheFirstPause() {
        var backoff = Backoff(first: 0.5, ceiling: 3)
        XCTAssertEqual([backoff.next(), backoff.next(), backoff.next()], [0.5, 1, 2])
        backoff.reset()
        XCTAssertEqual([backoff.next(), backoff.next(), backoff.next(), backoff.next()], [0.5, 1, 2, 3])
    }
}
