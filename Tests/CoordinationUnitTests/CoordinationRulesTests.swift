import IASContracts
import IASRuntime
import XCTest
@testable import CoordinationService

/// Consent validity, request validation, task access and the budget sums.
final class CoordinationRulesTests: XCTestCase {
    let today = CalendarDate("2026-11-22")!

    func testAConsentIsValidFromTheDayGivenUntilItsExpiryDayUnlessWithdrawn() {
        func state(_ given: String, _ expires: String?, withdrawn: Bool = false) -> ConsentRules.State {
            ConsentRules.state(givenOn: CalendarDate(given)!, expiresOn: expires.flatMap(CalendarDate.init), withdrawn: withdrawn, today: today)
        }
        XCTAssertEqual(state("2026-11-22", nil), .valid)
        XCTAssertEqual(state("2026-01-01", "2026-11-22"), .valid, "the day of expiry is still covered")
        XCTAssertEqual(state("2026-01-01", "2026-11-21"), .expired)
        XCTAssertEqual(state("2026-11-23", nil), .notYetValid)
        XCTAssertEqual(state("2026-01-01", nil, withdrawn: true), .withdrawn)
    }

    func testAConsentRequestNamesEveryBadField() {
        let bad = RecordConsentRequest(partner: "partner:XYZ", givenOn: CalendarDate("2026-12-01")!, expiresOn: CalendarDate("2026-11-01")!,
                                       documentRef: " ")
        XCTAssertEqual(Set(bad.validate(today: today).map(\.field)), ["partner", "givenOn", "expiresOn", "documentRef"])
        let good = RecordConsentRequest(partner: "canton:BKS", givenOn: today, expiresOn: nil, documentRef: "DMS-1")
        XCTAssertEqual(good.validate(today: today).count, 0)
    }

    func testTaskOutcomesAreShortCodesAndOverrideReasonsNameTheLegalBasis() {
        XCTAssertTrue(CompleteTaskRequest(outcome: "plan_adjusted", notes: nil).validate().isEmpty)
        XCTAssertEqual(CompleteTaskRequest(outcome: "done!", notes: String(repeating: "x", count: 4001)).validate().map(\.field), ["outcome", "notes"])
        XCTAssertEqual(SendReferralRequest(measureId: Identifier(), legalBasisOverride: .init(reason: "law")).validate().map(\.field),
                       ["legalBasisOverride.reason"])
        XCTAssertTrue(SendReferralRequest(measureId: Identifier(), legalBasisOverride: nil).validate().isEmpty)
    }

    func testATaskIsWorkedOnByItsMunicipalityItsDelegatesAndTheCantonsCaseManagers() throws {
        func may(_ org: String, assignee: String = "municipality:4001", responsible: String = "municipality:4001") -> Bool {
            AccessPolicy.mayWorkOnTask(Organisation(org)!, assigneeOrg: assignee, responsibleOrg: responsible)
        }
        XCTAssertTrue(may("municipality:4001"))
        XCTAssertTrue(may("delegate:caritas:4001"))
        XCTAssertTrue(may("canton:KSD"))
        XCTAssertFalse(may("municipality:4021"))
        XCTAssertFalse(may("canton:AWA"))
        XCTAssertFalse(may("partner:RAV"))
        XCTAssertTrue(may("canton:BKS", assignee: "canton:BKS", responsible: "canton:KSD"))
        // After a handover the previous municipality loses the case's tasks, even those assigned to it.
        XCTAssertFalse(may("municipality:4001", responsible: "municipality:4021"))
        XCTAssertTrue(may("canton:DVI", responsible: "municipality:4021"))
    }

    func testALatePartnerAnswerNeverMovesAReferralBack() {
        XCTAssertEqual(PartnerInbound.later("enrolled", "accepted"), "enrolled")
        XCTAssertEqual(PartnerInbound.later("sent", "enrolled"), "enrolled")
        XCTAssertEqual(PartnerInbound.later("accepted", "ended"), "ended")
    }

    func testOnlyGrantsFromTheLumpSumCommitAndSpendTheBudget() {
        func approval(_ decision: String, _ granted: Int, _ source: String, charged: Int = 0) -> DossierSections.Approval {
            .init(approvalId: Identifier(), measureId: Identifier(), requestedRappen: granted, decision: decision, grantedRappen: granted,
                  fundingSource: source, decidedOn: today, chargedRappen: charged)
        }
        let figures = BudgetFigures(lumpSumRappen: 1_800_000, approvals: [
            approval("granted", 400_000, "lump_sum", charged: 150_000), approval("partially_granted", 300_000, "lump_sum"),
            approval("granted", 900_000, "other", charged: 900_000), approval("rejected", 0, "lump_sum"),
        ])
        XCTAssertEqual(figures.committedRappen, 700_000)
        XCTAssertEqual(figures.spentRappen, 150_000)
        XCTAssertEqual(figures.remainingRappen, 1_100_000)
    }
}

enum TaskRecordFixture {
    static func make(assignee: String) -> TaskRecord {
        TaskRecord(taskId: Identifier(), caseId: Identifier(), kind: .handover, assigneeOrg: assignee, subjectRef: assignee,
                   status: "open", dueOn: nil, openedAt: Date(), completedAt: nil, outcome: nil, notes: nil, completedByOrg: nil)
    }
}
