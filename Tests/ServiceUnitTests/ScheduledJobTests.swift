import Foundation
@testable import IASServiceKit
import IASRuntime
import XCTest

/// A scheduled job as the worker its service runs.
final class ScheduledJobTests: XCTestCase {
    private struct Failure: Error {}
    private let logger = Logger(label: "job-test", minimumLevel: .error)

    func testRunsAtOnceThenAtItsIntervalCountingEachOutcome() throws {
        let runs = Locked(0)
        let metrics = MetricsRegistry()
        let job = ScheduledJob(name: "closure", intervalSeconds: 0.1) {
            if runs.withLock({ $0 += 1; return $0 }) == 2 { throw Failure() }
        }
        let running = try WorkerThread.start(job.worker(logger: logger, metrics: metrics))
        let deadline = Date(timeIntervalSinceNow: 5)
        while runs.current < 4 && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        XCTAssertTrue(running.stop(within: 2))
        XCTAssertGreaterThanOrEqual(runs.current, 4, "a failed run does not end the job")
        XCTAssertEqual(metrics.counterValue("ias_scheduled_job_runs_total", labels: ["job": "closure", "outcome": "failed"]), 1)
        XCTAssertEqual(metrics.counterValue("ias_scheduled_job_runs_total", labels: ["job": "closure", "outcome": "ok"]),
                       Double(runs.current - 1))
    }

    func testAStopEndsTheWaitForTheNextInterval() throws {
        let runs = Locked(0)
        let job = ScheduledJob(name: "hourly", intervalSeconds: 3600) { runs.withLock { $0 += 1 } }
        let running = try WorkerThread.start(job.worker(logger: logger, metrics: MetricsRegistry()))
        let deadline = Date(timeIntervalSinceNow: 5)
        while runs.current < 1 && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        XCTAssertEqual(runs.current, 1, "the first run comes at once")
        let stopping = Date()
        XCTAssertTrue(running.stop(within: 2))
        XCTAssertLessThan(Date().timeIntervalSince(stopping), 1)
    }
}
