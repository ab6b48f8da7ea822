import IASContracts
import IASRuntime
import XCTest
@testable import CoordinationService

/// What an erased case leaves for the indicators: the figures of its cohort stay the same.
final class IndicatorErasureTests: XCTestCase {
    let erasedOn = CalendarDate("2026-11-22")!

    func member(born: String, entered: String, status: String = "VA", closure: (String, String, String?)? = nil,
                assessments: [(String, LanguageLevel)] = [], measures: [(String, String?, String?)] = []) -> Indicators.Member {
        Indicators.Member(
            caseId: Identifier(), status: status, dateOfBirth: CalendarDate(born)!, enteredOn: CalendarDate(entered)!,
            closureReason: closure?.0, closedOn: closure.map { CalendarDate($0.1)! }, closureOutcome: closure?.2,
            assessments: assessments.map { .init(heldOn: CalendarDate($0.0)!, levels: LanguageLevels(listening: $0.1, speaking: $0.1, reading: $0.1, writing: $0.1)) },
            measures: measures.map { .init(catalogCode: $0.0, startedOn: $0.1.flatMap(CalendarDate.init), completedOn: $0.2.flatMap(CalendarDate.init)) })
    }

    /// An old cohort (every horizon passed) and a young one (horizons ahead), each with closed
    /// cases that are erased and open ones that stay.
    var oldCohort: (closed: [Indicators.Member], open: [Indicators.Member]) {
        ([member(born: "1990-01-01", entered: "2016-03-01", closure: ("integrated", "2022-01-10", "first_labour_market"),
                 assessments: [("2017-01-01", .A2)], measures: [("SOCIAL_INTEGRATION", "2018-01-01", "2019-01-01")]),
          member(born: "1999-05-05", entered: "2016-07-01", closure: ("integrated", "2019-08-01", "vocational_education"),
                 measures: [("BAI", "2017-08-01", "2018-07-01")]),
          member(born: "1985-01-01", entered: "2016-02-01", closure: ("left_canton", "2017-01-01", nil)),            // left, reached nothing
          member(born: "2013-01-01", entered: "2016-01-01", status: "N", closure: ("max_duration", "2023-01-01", nil),
                 assessments: [("2017-06-01", .A1)]),                                                                // a child
          member(born: "1980-01-01", entered: "2016-09-01", status: "N", closure: ("max_duration", "2023-09-01", nil))],  // N: only the cohort
         [member(born: "1991-01-01", entered: "2016-04-01", assessments: [("2020-01-01", .A1)])])
    }

    var youngCohort: (closed: [Indicators.Member], open: [Indicators.Member]) {
        ([member(born: "1995-01-01", entered: "2025-03-01", closure: ("integrated", "2026-06-01", "first_labour_market"),
                 assessments: [("2025-09-01", .A1)]),
          member(born: "2023-02-01", entered: "2025-01-15", closure: ("deceased", "2026-01-01", nil),
                 assessments: [("2025-06-01", .A1)])],
         [member(born: "1990-01-01", entered: "2025-05-01")])
    }

    func figures(_ members: [Indicators.Member], erased: [Indicators.Contribution] = [], asOf: CalendarDate) -> [[Int]] {
        Indicators.compute(members, erased: erased, asOf: asOf).map {
            [$0.id, $0.numerator, $0.denominator, $0.partial.numerator, $0.partial.denominator]
        }
    }

    func testTheFiguresOfACohortAreTheSameAfterItsClosedCasesWereErased() {
        for (cohort, days) in [(oldCohort, ["2026-11-22", "2030-01-01"]), (youngCohort, ["2026-11-22", "2028-03-02", "2030-06-01", "2033-01-01"])] {
            let contributions = cohort.closed.flatMap { Indicators.contributions(of: $0, erasedOn: erasedOn) }
            for day in days.map({ CalendarDate($0)! }) {
                let before = figures(cohort.closed + cohort.open, asOf: day)
                XCTAssertEqual(figures(cohort.open, erased: contributions, asOf: day), before, "as of \(day)")
                XCTAssertNotEqual(figures(cohort.open, asOf: day), before, "the erased cases count in the figures of \(day)")
            }
        }
    }

    func testAContributionNamesNoDateOnceTheHorizonHasPassed() {
        let contributions = oldCohort.closed.flatMap { Indicators.contributions(of: $0, erasedOn: erasedOn) }
        XCTAssertFalse(contributions.isEmpty)
        XCTAssertTrue(contributions.allSatisfy { $0.maturesOn == nil })
    }

    func testAYoungCaseKeepsOnlyTheHorizonOfItsIndicators() {
        let adult = youngCohort.closed[0]
        let contributions = Indicators.contributions(of: adult, erasedOn: erasedOn)
        XCTAssertEqual(contributions.map(\.indicatorId), [1, 4, 5])
        XCTAssertEqual(contributions.map(\.maturesOn), [CalendarDate("2028-03-01"), CalendarDate("2032-03-01"), CalendarDate("2032-03-01")])
        XCTAssertEqual(contributions.map(\.reached), [1, 1, 0])
    }

    func testWhoLeftBeforeReachingAndWhoIsOutsideEveryPopulationLeaveNothing() {
        XCTAssertEqual(Indicators.contributions(of: oldCohort.closed[2], erasedOn: erasedOn), [])
        XCTAssertEqual(Indicators.contributions(of: oldCohort.closed[4], erasedOn: erasedOn), [])
    }
}
