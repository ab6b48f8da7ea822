import Foundation
@testable import ias_bench
import TestSupport
import XCTest

/// The load generator's own arithmetic: what it reports must be right before it is compared
/// with anything.
final class BenchLogicTests: XCTestCase {
    func testPercentilesUseTheNearestRank() {
        let summary = LatencySummary((1...100).map(Double.init).shuffled())
        XCTAssertEqual(summary.count, 100)
        XCTAssertEqual(summary.p50, 50)
        XCTAssertEqual(summary.p90, 90)
        XCTAssertEqual(summary.p95, 95)
        XCTAssertEqual(summary.p99, 99)
        XCTAssertEqual(summary.max, 100)
        let one = LatencySummary([7])
        XCTAssertEqual([one.p50, one.p99, one.max], [7, 7, 7])
        XCTAssertEqual(LatencySummary([]).p99, 0)
    }

    func testTheQueueHandsOutJourneysByDueTimeThenArrival() {
        var heap = TimedHeap()
        let due: [Double] = [5, 1, 3, 1, 4, 2, 0.5]
        let journeys = due.enumerated().map { CaseJourney(index: $0.offset, startedAt: $0.element, stages: [.readDossier]) }
        for (journey, at) in zip(journeys, due) { heap.push(at: at, journey) }
        var order: [Int] = []
        while let next = heap.pop() { order.append(next.index) }
        XCTAssertEqual(order, [6, 1, 3, 5, 2, 4, 0], "earliest first; the two due at 1 in the order they came")
        XCTAssertNil(heap.peekTime)
    }

    func testDatesAreWrittenInUTC() {
        XCTAssertEqual(PersonFactory.isoDate(Date(timeIntervalSince1970: 0)), "1970-01-01")
        XCTAssertEqual(PersonFactory.isoDate(Date(timeIntervalSince1970: 951_868_799)), "2000-02-29")   // 23:59:59 UTC
        XCTAssertEqual(PersonFactory.isoDate(Date(timeIntervalSince1970: 951_868_800)), "2000-03-01")
    }

    func testMetricsAreSummedOverSeriesAndFiltered() {
        let page = """
            # HELP ias_consumer_lag Messages
            # TYPE ias_consumer_lag gauge
            ias_consumer_lag{consumer="dossier",topic="ias.intake.v1",partition="0"} 3
            ias_consumer_lag{consumer="dossier",topic="ias.intake.v1",partition="1"} 4
            ias_consumer_lag_other 100
            ias_events_consumed_total{consumer="dossier",outcome="applied"} 10
            ias_events_consumed_total{consumer="dossier",outcome="duplicate"} 2
            ias_outbox_backlog 5
            """
        let metrics = MetricsText(page)
        XCTAssertEqual(metrics.sum("ias_consumer_lag"), 7)
        XCTAssertEqual(metrics.sum("ias_events_consumed_total", where: "outcome=\"applied\""), 10)
        XCTAssertEqual(metrics.sum("ias_outbox_backlog"), 5)
        XCTAssertEqual(metrics.sum("ias_missing"), 0)
    }

    func testPersonsAreAdultsForTheLabourMarketWithDistinctNumbers() throws {
        let factory = PersonFactory()
        let persons = (0..<15_000).map { factory.person($0) }
        XCTAssertEqual(Set(persons.compactMap(\.zemisNumber)).count, persons.count)
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd"
        formatter.timeZone = TimeZone(identifier: "UTC")
        for person in persons.prefix(7_000) {
            let born = try XCTUnwrap(formatter.date(from: person.dateOfBirth))
            let years = Date().timeIntervalSince(born) / (365.2425 * 86_400)
            XCTAssertTrue((26.5...47).contains(years), "triage sends the labour-market rules adults from 26: \(years)")
        }
        // Same date of birth only with a different family name (intake's duplicate check).
        let keys = persons.map { "\($0.dateOfBirth)|\($0.familyName)" }
        XCTAssertEqual(Set(keys).count, keys.count)
    }

    /// A seeding of 100,000 must not trip intake's possible-duplicate rule: persons born on
    /// the same day differ in given name too (similar family names alone scored as one person).
    func testPersonsBornOnTheSameDayHaveDifferentGivenNamesUpToAHundredThousand() {
        let factory = PersonFactory()
        var byBirth: [String: Set<String>] = [:]
        var count: [String: Int] = [:]
        for index in 0..<100_000 {
            let person = factory.person(index)
            let born = person.dateOfBirth
            byBirth[born, default: []].insert(person.givenName)
            count[born, default: 0] += 1
        }
        XCTAssertGreaterThan(count.values.max() ?? 0, 10, "the test covers busy birth dates")
        for (born, names) in byBirth { XCTAssertEqual(names.count, count[born], born) }
    }

    func testTheReportIsOneMemberPerLineWithFiguresRoundedAndCountsAsTheyAre() throws {
        var report = BenchReport()
        report.json = [
            "b_ratio": BenchReport.ratio(0.123456), "a_figure": BenchReport.number(12.3456), "c_none": BenchReport.number(nil),
            "d_counts": try BenchReport.value(["x": 3, "y": 40]), "e_rate": try BenchReport.value(2.5),
            "f_latency": BenchReport.summary(LatencySummary([1, 2])),
        ]
        let directory = NSTemporaryDirectory() + "bench-report-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let text = try String(contentsOfFile: try report.write(to: directory), encoding: .utf8)
        XCTAssertEqual(text, """
            {
            "a_figure":12.35,
            "b_ratio":0.1235,
            "c_none":null,
            "d_counts":{"x":3,"y":40},
            "e_rate":2.5,
            "f_latency":{"count":2,"max_ms":2,"p50_ms":1,"p90_ms":2,"p95_ms":2,"p99_ms":2}
            }

            """)
        XCTAssertEqual(BenchReport.double(report.json["e_rate"]), 2.5)
        XCTAssertNil(BenchReport.double(report.json["c_none"]))
    }
}
