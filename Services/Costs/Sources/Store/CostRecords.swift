import Foundation
import IASContracts
import IASMessaging
import IASPostgres
import IASRuntime
import IASServiceKit

public enum ApprovalStatus: String, Codable, Sendable { case requested, granted, partiallyGranted = "partially_granted", rejected }

/// A cost approval (Kostengutsprache) as stored and returned.
struct ApprovalRecord: Codable, Sendable, RowDecodable {
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
    /// Read separately (`CostsStore.charges`); the approval's row holds none.
    var charges: [ChargeRecord]?

    static let columns = """
        a.approval_id, a.case_id, a.measure_id, m.catalog_code, a.requested_rappen, a.justification, a.requested_by_org, a.requested_at,
        a.status, a.granted_rappen, a.charged_rappen, a.funding_source, a.decision_reason, a.decided_by_org, a.decided_on, a.version,
        NULL::jsonb AS charges
        """

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

struct BudgetRow: Sendable, RowDecodable {
    var caseId: Identifier
    var lumpSumRappen: Int
    var committedRappen: Int
    var spentRappen: Int
    var openedOn: CalendarDate
    var thresholdReached: Bool

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
