import Foundation
@testable import ias_bench
import XCTest

/// When a drain counts as done, and the window its rate is taken over.
final class DrainProgressTests: XCTestCase {
    private func sample(_ t: Double, consumed: Double, applied: Double? = nil, partitions: Int = 6, lag: Double = 0,
                        cpu: Double = 0, pg: Double = 0) -> DrainProgress.Sample {
        .init(t: t, consumed: consumed, applied: applied ?? consumed, lagPartitions: partitions, lag: lag, serviceCPU: cpu, postgresCPU: pg)
    }

    func testNotDoneBeforeTheLagIsKnownEvenWithNothingConsumed() {
        var progress = DrainProgress(quietSeconds: 2)
        for t in stride(from: 0.0, through: 5, by: 0.5) { progress.add(sample(t, consumed: 0, partitions: 0)) }
        XCTAssertFalse(progress.isDone, "no lag series yet: the group has not joined")
        XCTAssertNil(progress.figures)
    }

    func testDoneOnlyWhenTheLagIsZeroAndTheCounterStoodStill() {
        var progress = DrainProgress(quietSeconds: 2)
        progress.add(sample(0, consumed: 0, partitions: 0))
        progress.add(sample(1, consumed: 0, lag: 900))
        progress.add(sample(2, consumed: 500, lag: 900))   // the lag gauge lags behind
        progress.add(sample(3, consumed: 900, lag: 400))
        progress.add(sample(4, consumed: 900, lag: 400))
        XCTAssertFalse(progress.isDone, "the cached lag still says 400")
        progress.add(sample(4.5, consumed: 900, lag: 0))
        XCTAssertFalse(progress.isDone, "quiet for 1.5 s only")
        progress.add(sample(5, consumed: 900, lag: 0))
        XCTAssertTrue(progress.isDone)
    }

    func testTheWindowRunsFromTheLastIdleSampleToTheFirstAtTheFinalCount() throws {
        var progress = DrainProgress(quietSeconds: 1)
        progress.add(sample(0, consumed: 0, partitions: 0, cpu: 0.1, pg: 5))
        progress.add(sample(1, consumed: 0, lag: 1000, cpu: 0.3, pg: 5.5))
        progress.add(sample(2, consumed: 600, applied: 590, lag: 1000, cpu: 1.0, pg: 6.5))
        progress.add(sample(3, consumed: 1000, applied: 980, lag: 0, cpu: 1.5, pg: 7.5))
        progress.add(sample(4, consumed: 1000, applied: 980, lag: 0, cpu: 1.5, pg: 7.6))
        let f = try XCTUnwrap(progress.figures)
        XCTAssertEqual(f.seconds, 2)
        XCTAssertEqual(f.applied, 980)
        XCTAssertEqual(f.consumed, 1000)
        XCTAssertEqual(f.appliedPerSecond, 490)
        XCTAssertEqual(f.serviceCPUPercent, 60, accuracy: 1e-9)
        XCTAssertEqual(f.postgresCPUPercent, 100, accuracy: 1e-9)
        XCTAssertEqual(f.startupSeconds, 1)
    }

    func testStalledWhenEventsWaitAndNothingIsConsumed() {
        var progress = DrainProgress()
        progress.add(sample(0, consumed: 10, lag: 50))
        progress.add(sample(30, consumed: 10, lag: 50))
        XCTAssertTrue(progress.isStalled(for: 20))
        XCTAssertFalse(progress.isStalled(for: 60))
        progress.add(sample(31, consumed: 10, lag: 0))
        XCTAssertFalse(progress.isStalled(for: 20), "nothing waits")
    }

    func testMetricSeriesKeepTheirLabels() {
        let page = """
            # TYPE ias_consumer_lag gauge
            ias_consumer_lag{consumer="cases",topic="ias.intake.v1",partition="0"} 3
            ias_consumer_lag{consumer="cases",topic="ias.plan.v1",partition="5"} 0
            ias_consumer_lag_other 100
            ias_outbox_backlog 5
            """
        let metrics = MetricsText(page)
        let lag = metrics.series("ias_consumer_lag")
        XCTAssertEqual(lag.count, 2)
        XCTAssertEqual(lag[0].labels, ["consumer": "cases", "topic": "ias.intake.v1", "partition": "0"])
        XCTAssertEqual(lag.map(\.value), [3, 0])
        XCTAssertEqual(metrics.series("ias_outbox_backlog").map(\.value), [5])
        XCTAssertTrue(metrics.series("ias_missing").isEmpty)
    }
}

/// A drain that did not replay exactly what the live instance holds is reported as failed.
final class DrainResultTests: XCTestCase {
    func testEveryDifferingCheckIsAProblemAndRejectedEventsAreExplained() {
        var result = ServiceDrain.Result(service: .plan)
        result.checks = [.init(name: "case_registry rows", live: 10, drain: 10), .init(name: "inbox rows of cases", live: 12, drain: 11)]
        XCTAssertEqual(result.problems, ["inbox rows of cases: live 12, drain 11"])
        XCTAssertNil(result.note)
        result.rejected = ["cases": 3]
        result.batchesSplit = 2
        XCTAssertTrue(result.note?.hasPrefix("3 events name records only the live database has") == true)
        result.failure = "stuck"
        XCTAssertEqual(result.problems.first, "stuck")
    }
}
