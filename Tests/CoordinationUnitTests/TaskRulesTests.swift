import Foundation
import IASContracts
import IASRuntime
import IASServiceKit
import XCTest
@testable import CoordinationService

/// The task rules as data: the shipped file, a canton's file with mistakes, and the due,
/// opening and escalation days computed from them.
final class TaskRulesTests: XCTestCase {
    private func day(_ text: String) -> CalendarDate { CalendarDate(text)! }

    func testTheShippedRulesCoverEveryKindWithTheDocumentedPeriods() throws {
        let rules = try TaskRules.load(path: "")
        XCTAssertEqual(rules.version, "2026.1")
        XCTAssertEqual(rules[.statusMeeting].dueOn(from: day("2026-06-01")), day("2026-07-01"))
        XCTAssertEqual(rules[.shortAssessment].dueOn(from: day("2026-06-01")), day("2026-07-31"))
        XCTAssertEqual(rules[.potentialAssessment].ages, 16...50)
        XCTAssertEqual(rules[.planAgreement].dueOn(from: day("2026-04-01")), day("2026-05-31"))
        XCTAssertEqual(rules[.costDecision].dueOn(from: day("2026-11-25")), day("2026-12-05"))
        XCTAssertEqual(rules[.handover].dueOn(from: day("2026-10-01")), day("2026-10-15"))
        XCTAssertNil(rules[.obtainConsent].dueOn(from: day("2026-10-01")), "a consent has no due date")
        XCTAssertEqual(rules[.sevenYearLimit].dueOn(from: day("2019-09-01")), day("2026-09-01"))
        XCTAssertEqual(rules[.sevenYearLimit].escalateAfter.iso, "P30D", "a rule's own grace wins over the file's")
        XCTAssertEqual(rules[.handover].escalateAfter.iso, "P14D")
    }

    func testScheduledPromptsOpenBeforeTheyAreDue() throws {
        let rules = try TaskRules.load(path: "")
        // A review due on 2027-01-15 is prompted 30 days before.
        XCTAssertEqual(rules[.reviewDue].opensOn(dueOn: day("2027-01-15")), day("2026-12-16"))
        // The language course: due 4 months after the agreement, prompted after 3.
        let language = rules[.languageCourseMissing]
        let due = try XCTUnwrap(language.dueOn(from: day("2026-01-31")))
        XCTAssertEqual(due, day("2026-05-31"))
        XCTAssertEqual(language.opensOn(dueOn: due), day("2026-04-30"))
        // The seven-year limit is prompted half a year ahead.
        XCTAssertEqual(rules[.sevenYearLimit].opensOn(dueOn: day("2026-09-01")), day("2026-03-01"))
    }

    func testAnOverdueTaskEscalatesTheDayAfterItsGraceEnds() throws {
        let rules = try TaskRules.load(path: "")
        XCTAssertEqual(rules[.statusMeeting].escalatesOn(dueOn: day("2026-07-01")), day("2026-07-16"))
        XCTAssertEqual(rules[.sevenYearLimit].escalatesOn(dueOn: day("2026-09-01")), day("2026-10-02"))
    }

    func testCalendarPeriodsKeepTheEndOfTheMonthAndCrossYears() {
        XCTAssertEqual(day("2026-01-31").adding(RetentionPeriodText.p("P1M")), day("2026-02-28"))
        XCTAssertEqual(day("2024-01-31").adding(RetentionPeriodText.p("P1M")), day("2024-02-29"))
        XCTAssertEqual(day("2026-11-30").adding(RetentionPeriodText.p("P3M")), day("2027-02-28"))
        XCTAssertEqual(day("2026-02-15").adding(RetentionPeriodText.p("P3M"), sign: -1), day("2025-11-15"))
        XCTAssertEqual(day("2026-03-01").adding(RetentionPeriodText.p("P1Y2W"), sign: -1), day("2025-02-15"))
        XCTAssertEqual(day("2026-12-25").adding(RetentionPeriodText.p("P10D")), day("2027-01-04"))
        // Days past the last year a date may have are left out, not a reason to stop.
        XCTAssertEqual(day("2200-12-25").adding(RetentionPeriodText.p("P10D")), day("2200-12-25"))
        XCTAssertEqual(day("2200-11-25").adding(RetentionPeriodText.p("P1M10D")), day("2200-12-25"))
    }

    func testACantonsFileWithMistakesIsRefusedWithEveryProblem() throws {
        let file = """
            {"version": " ", "escalateAfter": "P2W",
             "rules": [
               {"kind": "handover", "from": "deviation", "due": "P14D"},
               {"kind": "handover", "from": "transfer", "due": "P14D"},
               {"kind": "status_meeting", "from": "regularization", "due": "PT4H"},
               {"kind": "review_due", "from": "next-review", "due": "P0D"},
               {"kind": "plan_agreement", "from": "triage", "due": "P60D", "openBefore": "P5D"},
               {"kind": "short_assessment", "from": "regularization", "due": null},
               {"kind": "cost_decision", "from": "request", "due": "P10D", "ages": {"from": 16, "to": 50}},
               {"kind": "potential_assessment", "from": "triage", "due": "P90D", "ages": {"from": 50, "to": 16}},
               {"kind": "coffee", "from": "morning", "due": "P1D"}
             ]}
            """
        XCTAssertThrowsError(try TaskRules.parse(Data(file.utf8))) { error in
            let problems = (error as? TaskRulesError)?.problems ?? []
            let text = problems.joined(separator: "\n")
            for expected in ["version must not be empty", "handover is counted from transfer, not from 'deviation'", "handover is given twice",
                             "status_meeting: due 'PT4H'", "review_due: openBefore is required", "plan_agreement: openBefore applies to scheduled",
                             "short_assessment: due is required", "cost_decision: ages applies to potential_assessment only",
                             "potential_assessment: ages 50-16", "unknown kind 'coffee'", "seven_year_limit has no rule",
                             "obtain_consent has no rule"] {
                XCTAssertTrue(text.contains(expected), "missing: \(expected)\n\(text)")
            }
        }
    }

    func testAFileThatIsNotJSONIsRefusedWithThePlace() {
        XCTAssertThrowsError(try TaskRules.parse(Data("{\"version\": 1}".utf8))) { error in
            XCTAssertTrue(String(describing: error).contains("not valid"), "\(error)")
        }
        XCTAssertThrowsError(try TaskRules.load(path: "/nonexistent/task-rules.json")) { error in
            XCTAssertTrue(String(describing: error).contains("cannot read"), "\(error)")
        }
    }

    func testTheOverdueSummaryCountsDelegatesWithTheirMunicipality() {
        let summary = OverdueSummary(asOf: day("2026-12-07"), rows: [
            .init(assigneeOrg: "municipality:351", kind: .statusMeeting, overdue: 2, escalated: 1),
            .init(assigneeOrg: "delegate:caritas:351", kind: .statusMeeting, overdue: 1, escalated: 0),
            .init(assigneeOrg: "municipality:351", kind: .reviewDue, overdue: 1, escalated: 1),
            .init(assigneeOrg: "canton:KSD", kind: .costDecision, overdue: 4, escalated: 0),
        ])
        XCTAssertEqual(summary.entries.count, 2)
        let canton = summary.entries[0], bern = summary.entries[1]
        XCTAssertEqual(canton.organisation, "canton:KSD")
        XCTAssertNil(canton.municipality)
        XCTAssertEqual(bern.municipality, 351)
        XCTAssertEqual(bern.overdue, 4)
        XCTAssertEqual(bern.escalated, 2)
        XCTAssertEqual(bern.byKind.map(\.kind), [.reviewDue, .statusMeeting])
        XCTAssertEqual(bern.byKind.map(\.overdue), [1, 3])
    }
}

/// Periods written as in the rules file.
private enum RetentionPeriodText {
    static func p(_ text: String) -> RetentionPeriod { RetentionPeriod(text)! }
}
