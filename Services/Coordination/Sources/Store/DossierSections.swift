import Foundation
import IASContracts
import IASPostgres
import IASRuntime

/// The parts of the dossier that other services' events describe: assessments, triage,
/// plan and measures, budget, final reports, deviations.
enum DossierSections {
    struct Assessment: Codable, Sendable, RowDecodable {
        let assessmentId: Identifier
        let kind: String
        let heldOn: CalendarDate
        let languageLevels: LanguageLevels
        let literate: Bool
        let schoolYears: Int
        let vocationalYears: Int
        let healthRestriction: String
        let childcareDuties: Bool
    }
    struct TargetGroupDecision: Encodable, Sendable {
        let targetGroup: String
        let pathway: String
        let decidedOn: CalendarDate
        let ageAtDecision: Int
        let assessmentId: Identifier?
        /// rule (with ruleSetVersion and ruleId) or override (with overrideReason)
        let decidedBy: String
        let ruleSetVersion: String?
        let ruleId: String?
        let overrideReason: String?
        let potentialAssessmentDue: Bool
    }
    struct Measure: Codable, Sendable, RowDecodable {
        let measureId: Identifier
        let catalogCode: String
        let fieldOfAction: String
        let fundingSource: String
        let partner: String?
        let provider: String?
        let startsOn: CalendarDate
        let endsOn: CalendarDate?
        let estimatedCostRappen: Int
        let status: String
        let statusOn: CalendarDate?
    }
    struct Agreement: Encodable, Sendable {
        let signedOn: CalendarDate
        let goalCount: Int?
        let reviewEveryMonths: Int?
    }
    struct Plan: Encodable, Sendable {
        let planId: Identifier
        let targetGroup: String
        let pathway: String
        /// drafted until the agreement is signed, then active
        let status: String
        let agreement: Agreement?
        let nextReviewDue: CalendarDate?
        let lastReviewOn: CalendarDate?
        let lastReviewOutcome: String?
        let measures: [Measure]
    }
    struct Approval: Codable, Sendable, RowDecodable {
        let approvalId: Identifier
        let measureId: Identifier
        let requestedRappen: Int?
        let decision: String?
        let grantedRappen: Int
        let fundingSource: String?
        let decidedOn: CalendarDate?
        let chargedRappen: Int
    }
    struct Budget: Encodable, Sendable {
        let lumpSumRappen: Int
        let openedOn: CalendarDate
        /// Granted from the lump sum.
        let committedRappen: Int
        /// Charged against grants from the lump sum.
        let spentRappen: Int
        let remainingRappen: Int
        let thresholdReachedPercent: Int?
        let approvals: [Approval]
    }
    struct FinalReport: Codable, Sendable, RowDecodable {
        let reportId: Identifier
        let planId: Identifier
        let issuedOn: CalendarDate
        let fromOrg: String
        let toOrg: String
    }
    struct Deviation: Codable, Sendable, RowDecodable {
        let kind: String
        let measureId: Identifier?
        let flaggedOn: CalendarDate
    }

    // Each section is a statement and the decoding of its rows, so that the dossier can send
    // all statements in one round trip (Dossier.load).

    static func assessmentsQuery(_ caseId: Identifier) -> PostgresStatement {
        PostgresStatement("""
            SELECT assessment_id, kind, held_on, literate, school_years, vocational_years, health_restriction, childcare_duties,
                   jsonb_build_object('listening', listening, 'speaking', speaking, 'reading', reading, 'writing', writing) AS language_levels
            FROM assessments WHERE case_id = $1 ORDER BY held_on, assessment_id
            """, [caseId])
    }

    /// Oldest first; the last is the current target group.
    static func targetGroupsQuery(_ caseId: Identifier) -> PostgresStatement {
        PostgresStatement("SELECT * FROM target_groups WHERE case_id = $1 ORDER BY occurred_at, event_id", [caseId])
    }

    static func targetGroups(_ rows: [PostgresRow]) throws -> [TargetGroupDecision] {
        try rows.map { r in
            let reason = try r.optionalString("override_reason")
            return TargetGroupDecision(
                targetGroup: try r.string("target_group"), pathway: try r.string("pathway"), decidedOn: try r.calendarDate("decided_on"),
                ageAtDecision: try r.int("age_at_decision"), assessmentId: try r.optionalIdentifier("assessment_id"),
                decidedBy: reason == nil ? "rule" : "override", ruleSetVersion: try r.optionalString("rule_set_version"),
                ruleId: try r.optionalString("rule_id"), overrideReason: reason,
                potentialAssessmentDue: try r.bool("potential_assessment_due"))
        }
    }

    static func measuresQuery(_ caseId: Identifier) -> PostgresStatement {
        PostgresStatement("SELECT * FROM measures WHERE case_id = $1 ORDER BY starts_on, measure_id", [caseId])
    }

    static func planQuery(_ caseId: Identifier) -> PostgresStatement {
        PostgresStatement("SELECT * FROM plans WHERE case_id = $1", [caseId])
    }

    static func plan(measures measureRows: [PostgresRow], plans: [PostgresRow]) throws -> Plan? {
        let measures = try measureRows.map(Measure.init)
        guard let r = plans.first else { return nil }
        let signed = try r.optionalCalendarDate("agreement_signed_on")
        return Plan(planId: try r.identifier("plan_id"), targetGroup: try r.string("target_group"), pathway: try r.string("pathway"),
                    status: signed == nil ? "drafted" : "active",
                    agreement: try signed.map { Agreement(signedOn: $0, goalCount: try r.optionalInt("goal_count"),
                                                          reviewEveryMonths: try r.optionalInt("review_every_months")) },
                    nextReviewDue: try r.optionalCalendarDate("next_review_due"), lastReviewOn: try r.optionalCalendarDate("last_review_on"),
                    lastReviewOutcome: try r.optionalString("last_review_outcome"), measures: measures)
    }

    static func approvalsQuery(_ caseId: Identifier) -> PostgresStatement {
        PostgresStatement("SELECT * FROM approvals WHERE case_id = $1 ORDER BY approval_id", [caseId])
    }

    static func budgetQuery(_ caseId: Identifier) -> PostgresStatement {
        PostgresStatement("SELECT * FROM budgets WHERE case_id = $1", [caseId])
    }

    static func budget(approvals approvalRows: [PostgresRow], budgets: [PostgresRow]) throws -> Budget? {
        let approvals = try approvalRows.map(Approval.init)
        guard let r = budgets.first else { return nil }
        let figures = BudgetFigures(lumpSumRappen: try r.int("lump_sum_rappen"), approvals: approvals)
        return Budget(lumpSumRappen: figures.lumpSumRappen, openedOn: try r.calendarDate("opened_on"),
                      committedRappen: figures.committedRappen, spentRappen: figures.spentRappen,
                      remainingRappen: figures.remainingRappen, thresholdReachedPercent: try r.optionalInt("threshold_reached_percent"),
                      approvals: approvals)
    }

    static func finalReportsQuery(_ caseId: Identifier) -> PostgresStatement {
        PostgresStatement("SELECT * FROM final_reports WHERE case_id = $1 ORDER BY issued_on, report_id", [caseId])
    }

    static func deviationsQuery(_ caseId: Identifier) -> PostgresStatement {
        PostgresStatement("SELECT * FROM deviations WHERE case_id = $1 ORDER BY flagged_on, event_id", [caseId])
    }

}

/// The budget as the dossier shows it (pure, unit-tested): only grants from the lump sum
/// commit it; grants funded from another source and their charges do not touch it.
struct BudgetFigures: Equatable {
    let lumpSumRappen: Int
    let committedRappen: Int
    let spentRappen: Int
    var remainingRappen: Int { lumpSumRappen - committedRappen }

    init(lumpSumRappen: Int, approvals: [DossierSections.Approval]) {
        self.lumpSumRappen = lumpSumRappen
        let fromLumpSum = approvals.filter { $0.fundingSource == FundingSource.lumpSum.rawValue && $0.decision != CostDecision.rejected.rawValue }
        committedRappen = fromLumpSum.reduce(0) { $0 + $1.grantedRappen }
        spentRappen = fromLumpSum.reduce(0) { $0 + $1.chargedRappen }
    }
}
