import Foundation
import IASContracts
import IASMessaging
import IASPostgres
import IASRuntime
import IASServiceKit

public enum PlanStatus: String, Codable, Sendable { case draft, active, closed }

/// A goal of the integration agreement: what the person wants to reach, optionally by when
/// and in which field of action.
struct Goal: Codable, Sendable, Equatable {
    var goalId: Identifier
    var text: String
    var fieldOfAction: String?
    var dueOn: CalendarDate?
}

/// The plans row, as locked and changed by writes.
struct PlanRow: Sendable, RowDecodable {
    var planId: Identifier
    var caseId: Identifier
    var status: PlanStatus
    var targetGroup: TargetGroup
    var pathway: String
    var catalogVersion: String
    var deferredSteps: [String]
    var signedOn: CalendarDate?
    var goals: [Goal]
    var reviewEveryMonths: Int?
    var nextReviewDue: CalendarDate?
    var overdueFlaggedFor: CalendarDate?
    var version: Int

    static let columns = """
        plan_id, case_id, status, target_group, pathway, catalog_version, deferred_steps, signed_on, goals,
        review_every_months, next_review_due, overdue_flagged_for, version
        """

    var etag: String { "\"\(version)\"" }
}

/// One measure of a plan with its history, as returned by the API and frozen in final reports.
struct MeasureView: Codable, Sendable {
    var measureId: Identifier
    var catalogCode: String
    var name: String
    var fieldOfAction: String
    var fundingSource: FundingSource
    var partner: String?
    var provider: String?
    var startsOn: CalendarDate
    var endsOn: CalendarDate?
    var estimatedCostRappen: Int
    var grantedRappen: Int?
    var status: MeasureStatus
    var origin: String
    var history: [MeasureMove]

    static let columns = """
        measure_id, catalog_code, field_of_action, funding_source, partner, provider, starts_on, ends_on,
        estimated_cost_rappen, granted_rappen, status, origin, plan_id, case_id
        """
}

struct MeasureMove: Codable, Sendable, RowDecodable {
    var from: MeasureStatus?
    var to: MeasureStatus
    var on: CalendarDate
    var reason: String?
    var byOrg: String
}

struct ReviewView: Codable, Sendable, RowDecodable {
    var reviewId: Identifier
    var heldOn: CalendarDate
    var outcome: ReviewOutcome
    var notes: String
    var nextReviewDue: CalendarDate?
    var byOrg: String
}

struct DeviationView: Codable, Sendable, RowDecodable {
    var deviationId: Identifier
    var kind: DeviationKind
    var measureId: Identifier?
    var on: CalendarDate
    var reason: String?
}

struct AgreementView: Codable, Sendable {
    var signedOn: CalendarDate
    var reviewEveryMonths: Int
}

struct FinalReportSummary: Codable, Sendable, RowDecodable {
    var reportId: Identifier
    var issuedOn: CalendarDate
    var fromOrg: String
    var toOrg: String
}

/// The whole plan of a case: `GET /cases/{caseId}/plan` and the content of a final report.
struct PlanView: Codable, Sendable {
    var planId: Identifier
    var caseId: Identifier
    var status: PlanStatus
    var targetGroup: TargetGroup
    var pathway: String
    var catalogVersion: String
    /// Pathway steps that wait for the regularisation (VA/FL) of an asylum seeker.
    var deferredSteps: [String]
    var agreement: AgreementView?
    var goals: [Goal]
    var nextReviewDue: CalendarDate?
    var measures: [MeasureView]
    var reviews: [ReviewView]
    var deviations: [DeviationView]
    var finalReports: [FinalReportSummary]
    var version: Int
}

struct FinalReport: Codable, Sendable, RowDecodable {
    var reportId: Identifier
    var caseId: Identifier
    var planId: Identifier
    var issuedOn: CalendarDate
    var fromOrg: String
    var toOrg: String
    var plan: PlanView
}
