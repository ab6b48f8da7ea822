import IASContracts
import IASRuntime
import XCTest
@testable import CoordinationService

/// Small-cell suppression of the federal report: no figure about fewer than five persons is
/// shown, and none can be worked back from a total.
final class FederalReportTests: XCTestCase {
    func testCellsOfOneToFourPersonsAreWithheldButZeroIsShown() {
        XCTAssertEqual((0...6).map(SmallCellSuppression.isSmall), [false, true, true, true, true, false, false])
    }

    func testASingleWithheldCellTakesTheSmallestOtherNonEmptyCellWithIt() {
        let (withheld, total) = SmallCellSuppression.breakdown([7, 3, 0, 6, 9], total: 25)
        XCTAssertEqual(withheld, [1, 3])
        XCTAssertFalse(total)
    }

    func testTwoWithheldCellsNeedNoComplement() {
        let (withheld, total) = SmallCellSuppression.breakdown([2, 4, 8], total: 14)
        XCTAssertEqual(withheld, [0, 1])
        XCTAssertFalse(total)
    }

    func testWithNoOtherCellToWithholdTheTotalIsWithheld() {
        let (withheld, total) = SmallCellSuppression.breakdown([3, 0], total: 6)
        XCTAssertEqual(withheld, [0])
        XCTAssertTrue(total)
    }

    func testASmallTotalWithholdsEverything() {
        let (withheld, total) = SmallCellSuppression.breakdown([2, 1, 0], total: 3)
        XCTAssertEqual(withheld, [0, 1])
        XCTAssertTrue(total)
    }

    func testAnIndicatorIsWithheldWhenThoseWhoReachedOrThoseWhoDidNotAreFew() {
        func indicator(_ n: Int, _ d: Int) -> Indicators.Indicator {
            Indicators.Indicator(id: 1, name: "x", target: "", definition: "", notCounted: "", numerator: n, denominator: d,
                                 share: d == 0 ? nil : Double(n) / Double(d), partial: Indicators.Figure(numerator: 0, denominator: 0))
        }
        let shown = FederalReport.figure(indicator(5, 10))
        XCTAssertEqual([shown.numerator, shown.denominator], [5, 10])
        XCTAssertEqual(shown.share, 0.5)
        XCTAssertFalse(shown.suppressed)
        let few = FederalReport.figure(indicator(2, 10))
        XCTAssertNil(few.numerator); XCTAssertNil(few.share); XCTAssertEqual(few.denominator, 10); XCTAssertTrue(few.suppressed)
        // 8 of 10 reached: the 2 who did not would be 10 − 8.
        let complement = FederalReport.figure(indicator(8, 10))
        XCTAssertNil(complement.numerator); XCTAssertEqual(complement.denominator, 10); XCTAssertTrue(complement.suppressed)
        let small = FederalReport.figure(indicator(0, 3))
        XCTAssertNil(small.numerator); XCTAssertNil(small.denominator); XCTAssertTrue(small.suppressed)
        let none = FederalReport.figure(indicator(0, 0))
        XCTAssertEqual([none.numerator, none.denominator], [0, 0]); XCTAssertNil(none.share); XCTAssertFalse(none.suppressed)
    }

    func testTheReportWithholdsSmallRowsAndCountsAndWritesThemAsSuppressedInCSV() throws {
        let report = FederalReport(FederalReport.Inputs(
            year: 2026, asOf: CalendarDate("2026-12-31")!, cohorts: [.init(entryYear: 2019, members: 3, indicators: [])],
            lumpSum: [.init(fieldOfAction: "language", measureKind: "GER_A1", persons: 12, committedRappen: 1_200_000, spentRappen: 500_000),
                      .init(fieldOfAction: "work", measureKind: "AMIPLUS", persons: 2, committedRappen: 300_000, spentRappen: 0),
                      .init(fieldOfAction: "work", measureKind: "EMPLOYMENT_PROGRAMME", persons: 6, committedRappen: 600_000, spentRappen: 100)],
            lumpSumPersons: 18, counts: ["first_information": 40, "language_support": 4]))
        XCTAssertEqual(report.lumpSum.measures.map(\.suppressed), [false, true, true])
        XCTAssertEqual(report.lumpSum.total.committedRappen, 2_100_000)
        XCTAssertEqual(report.counts.map(\.persons), [40, nil, 0, 0])
        XCTAssertNil(report.cohorts[0].cohortSize)

        let lines = report.csv.components(separatedBy: "\r\n")
        XCTAssertEqual(lines[0], "report_year,section,entry_year,item,field_of_action,figure,value")
        XCTAssertTrue(lines.contains("2026,cohort,2019,cohort_size,,persons,suppressed"))
        XCTAssertTrue(lines.contains("2026,lump_sum,,AMIPLUS,work,committed_rappen,suppressed"))
        XCTAssertTrue(lines.contains("2026,lump_sum,,GER_A1,language,committed_rappen,1200000"))
        XCTAssertTrue(lines.contains("2026,lump_sum,,total,,committed_rappen,2100000"))
        XCTAssertTrue(lines.contains("2026,sem_count,,language_support,,persons,suppressed"))
        XCTAssertFalse(report.csv.contains("300000"), "a withheld amount was written")

        let json = try JSONParser.parse(JSONCoding.encode(report))
        guard case .object(let top) = json, case .object(let lumpSum)? = top["lumpSum"], case .array(let rows)? = lumpSum["measures"],
              case .object(let amiplus) = rows[1] else { return XCTFail("unexpected shape: \(json)") }
        XCTAssertEqual(amiplus["committedRappen"], .null, "a withheld cell is null in JSON")
        XCTAssertEqual(amiplus["suppressed"], .bool(true))
        // Every withheld figure stands as null, named; what a row does not have (the total's
        // field of action and kind) is left out.
        XCTAssertEqual(String(decoding: try JSONCoding.encode(report.lumpSum.total), as: UTF8.self),
                       #"{"committedRappen":2100000,"persons":18,"spentRappen":500100,"suppressed":false}"#)
        XCTAssertEqual(String(decoding: try JSONCoding.encode(report.counts[1]), as: UTF8.self),
                       #"{"name":"language_support","persons":null,"suppressed":true}"#)
        let cohort = FederalReport.Cohort(entryYear: 2019, cohortSize: nil, indicators: [
            FederalReport.Figure(id: 1, name: "x", numerator: nil, denominator: 10, share: nil, suppressed: true)])
        XCTAssertEqual(String(decoding: try JSONCoding.encode(cohort), as: UTF8.self),
                       #"{"cohortSize":null,"entryYear":2019,"indicators":[{"denominator":10,"id":1,"name":"x","numerator":null,"share":null,"suppressed":true}]}"#)
    }
}
