import IASContracts
import IASRuntime
import XCTest
@testable import CoordinationService

/// The indicator rules on hand-made cohorts: who is counted, by when, and what is left out.
final class IndicatorTests: XCTestCase {
    let asOf = CalendarDate("2026-11-22")!

    func member(born: String, entered: String = "2018-03-01", status: String = "VA", closure: (String, String, String?)? = nil,
                assessments: [(String, LanguageLevel, LanguageLevel)] = [], measures: [(String, String?, String?)] = []) -> Indicators.Member {
        Indicators.Member(
            caseId: Identifier(), status: status, dateOfBirth: CalendarDate(born)!, enteredOn: CalendarDate(entered)!,
            closureReason: closure?.0, closedOn: closure.map { CalendarDate($0.1)! }, closureOutcome: closure?.2,
            assessments: assessments.map { .init(heldOn: CalendarDate($0.0)!, levels: LanguageLevels(listening: $0.1, speaking: $0.2, reading: $0.1, writing: $0.1)) },
            measures: measures.map { .init(catalogCode: $0.0, startedOn: $0.1.flatMap(CalendarDate.init), completedOn: $0.2.flatMap(CalendarDate.init)) })
    }

    func figure(_ id: Int, _ members: [Indicators.Member], asOf: CalendarDate? = nil) -> Indicators.Indicator {
        Indicators.compute(members, asOf: asOf ?? self.asOf).first { $0.id == id }!
    }

    func testLanguageCountsTheLowestSkillOrACompletedCourseWithinThreeYears() {
        let members = [
            member(born: "1990-01-01", assessments: [("2019-05-01", .A1, .A1)]),                  // reached
            member(born: "1990-01-01", assessments: [("2019-05-01", .none, .B1)]),                // lowest skill none
            member(born: "1990-01-01", measures: [("GER_A2", "2019-01-01", "2020-12-31")]),      // course completed in time
            member(born: "1990-01-01", measures: [("GER_A2", "2019-01-01", "2021-03-02")]),      // a day too late
            member(born: "1990-01-01", status: "N", assessments: [("2019-05-01", .B1, .B1)]),     // asylum seeker: not counted
        ]
        let f = figure(1, members)
        XCTAssertEqual(f.numerator, 2)
        XCTAssertEqual(f.denominator, 4)
        XCTAssertEqual(f.share, 0.5)
    }

    func testAYoungerCohortGoesIntoThePartialFigure() {
        let recent = member(born: "1990-01-01", entered: "2025-01-10", assessments: [("2025-06-01", .A1, .A1)])
        let f = figure(1, [recent, member(born: "1990-01-01", entered: "2025-02-10")])
        XCTAssertEqual(f.denominator, 0)
        XCTAssertNil(f.share)
        XCTAssertEqual(f.partial, Indicators.Figure(numerator: 1, denominator: 2))
    }

    func testSomeoneWhoLeftBeforeTheHorizonIsCountedOnlyIfTheyHadReachedIt() {
        let left = member(born: "1990-01-01", closure: ("left_canton", "2019-01-01", nil))
        let leftAfterReaching = member(born: "1990-01-01", closure: ("deceased", "2020-01-01", nil), assessments: [("2019-01-01", .A2, .A2)])
        let f = figure(1, [left, leftAfterReaching])
        XCTAssertEqual(f.numerator, 1)
        XCTAssertEqual(f.denominator, 1)
    }

    func testYoungChildrenCountSpeakingOrAPlaygroupBeforeTheirFifthBirthday() {
        let members = [
            member(born: "2016-06-01", entered: "2018-03-01", status: "N", assessments: [("2020-06-01", .none, .A1)]),
            member(born: "2016-06-01", entered: "2018-03-01", measures: [("PLAYGROUP", "2019-08-01", "2021-06-01")]),   // on the birthday: too late
            member(born: "2013-02-01", entered: "2018-03-01"),   // five at entry: not in the population
        ]
        let f = figure(2, members)
        XCTAssertEqual(f.numerator, 1)
        XCTAssertEqual(f.denominator, 2)
    }

    func testEducationCountsAStartedBridgeCourseOrAClosureIntoVocationalEducationForThe16To25() {
        let members = [
            member(born: "2001-01-01", measures: [("BAI", "2019-08-15", nil)]),
            member(born: "2001-01-01", closure: ("integrated", "2022-07-01", "vocational_education")),
            member(born: "2001-01-01", measures: [("INVOL", nil, nil)]),    // only planned
            member(born: "1980-01-01", measures: [("BAI", "2019-08-15", nil)]),   // 38 at entry: not counted
        ]
        let f = figure(3, members)
        XCTAssertEqual(f.numerator, 2)
        XCTAssertEqual(f.denominator, 3)
    }

    func testWorkCountsOnlyAClosureIntoTheFirstLabourMarketWithinSevenYearsForAdults() {
        let old = "2015-03-01"
        let members = [
            member(born: "1980-01-01", entered: old, closure: ("integrated", "2021-01-01", "first_labour_market")),
            member(born: "1980-01-01", entered: old, closure: ("integrated", "2022-03-02", "first_labour_market")),   // after 7 years
            member(born: "1980-01-01", entered: old, closure: ("integrated", "2020-01-01", "vocational_education")),
            member(born: "2000-01-01", entered: old),   // 15 at entry: not an adult
        ]
        let f = figure(4, members)
        XCTAssertEqual(f.numerator, 1)
        XCTAssertEqual(f.denominator, 3)
        XCTAssertEqual(figure(5, members + [member(born: "1980-01-01", entered: old, measures: [("MENTORING", "2016-01-01", "2017-01-01")])]).numerator, 1)
    }

    func testEveryIndicatorHasADefinitionAndWhatItLeavesOut() {
        let all = Indicators.compute([], asOf: asOf)
        XCTAssertEqual(all.map(\.id), [1, 2, 3, 4, 5])
        for indicator in all {
            XCTAssertGreaterThan(indicator.definition.count, 80, "\(indicator.id)")
            XCTAssertFalse(indicator.notCounted.isEmpty)
            XCTAssertNil(indicator.share)
        }
    }
}
