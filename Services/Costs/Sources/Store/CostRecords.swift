import Foundation
import IASContracts
import IASMessaging
import IASPostgres
import IASRuntime
import IASServiceKit

public enum ApprovalStatus: String, Codable, Sendable { case requested, granted, partiallyGranted = "partially_granted", rejected }

/// A cost approval (Kostengutsprache) as stored and returned.
struct ApprovalRecord: Codable, Sendable {
    var approvalId: Identifier
    var caseId: Identifier
    var measureId: Identifier
    var catalogCode: String
    var requestedRappen: Int
    var justification: String
    var requestedByOrg: String
    var requestedAt: Date
    var status: ApprovalStatus
    var grantedRappen: Int
    var chargedRappen: Int
    var fundingSource: FundingSource?
    var decisionReason: String?
    var decidedByOrg: String?
    var decidedOn: CalendarDate?
    var version: Int
    var charges: [ChargeRecord]?

    static let columns = """
        a.approval_id, a.case_id, a.measure_id, m.catalog_code, a.requested_rappen, a.justification, a.requested_by_org, a.requested_at,
        a.status, a.granted_rappen, a.charged_rappen, a.funding_source, a.decision_reason, a.decided_by_org, a.decided_on, a.version
        """

    init(row: PostgresRow) throws {
        approvalId = try row.identifier("approval_id"); caseId = try row.identifier("case_id"); measureId = try row.identifier("measure_id")
        catalogCode = try row.string("catalog_code"); requestedRappen = try row.int("requested_rappen")
        justification = try row.string("justification"); requestedByOrg = try row.string("requested_by_org")
        requestedAt = try row.date("requested_at"); status = try row.enumValue("status"); grantedRappen = try row.int("granted_rappen")
        chargedRappen = try row.int("charged_rappen")
        let funding: String? = try row.optionalString("funding_source")
        fundingSource = funding.flatMap(FundingSource.init(rawValue:))
        decisionReason = try row.optionalString("decision_reason"); decidedByOrg = try row.optionalString("decided_by_org")
        decidedOn = try row.optionalCalendarDate("decided_on"); version = try row.int("version")
    }

    var etag: String { "\"\(version)\"" }
    var isGranted: Bool { status == .granted || status == .partiallyGranted }
}

struct ChargeRecord: Codable, Sendable {
    var chargeId: Identifier
    var amountRappen: Int
    var invoiceRef: String
    var bookedOn: CalendarDate
    var bookedByOrg: String
}

struct BudgetRow: Sendable {
    var caseId: Identifier
    var lumpSumRappen: Int
    var committedRappen: Int
    var spentRappen: Int
    var openedOn: CalendarDate
    var thresholdReached: Bool

    init(row: PostgresRow) throws {
        caseId = try row.identifier("case_id"); lumpSumRappen = try row.int("lump_sum_rappen")
        committedRappen = try row.int("committed_rappen"); spentRappen = try row.int("spent_rappen")
        openedOn = try row.calendarDate("opened_on"); thresholdReached = try row.optionalDate("threshold_reached_at") != nil
    }

    var remainingRappen: Int { lumpSumRappen - committedRappen }
}

/// `GET /cases/{caseId}/budget`. A case without lump sum (status N) shows zeros and
/// `budgetOpen: false`; approvals funded from another source still appear.
struct BudgetView: Codable, Sendable {
    var caseId: Identifier
    var budgetOpen: Bool
    var openedOn: CalendarDate?
    var lumpSumRappen: Int
    var committedRappen: Int
    var spentRappen: Int
    var remainingRappen: Int
    /// Granted or charged from another source: not counted against the lump sum.
    var otherFundingCommittedRappen: Int
    var thresholdReached: Bool
    var approvals: [ApprovalRecord]
}

struct KnownMeasure: Sendable {
    var measureId: Identifier
    var caseId: Identifier
    var catalogCode: String
    var fundingSource: FundingSource
}
