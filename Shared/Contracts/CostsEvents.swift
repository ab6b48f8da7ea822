import IASMessaging
import IASRuntime

/// `costs.BudgetOpened` — The integration lump sum of a VA/FL became available for the case's measures.
public struct BudgetOpened: EventPayload, Equatable {
    public static let eventType = "costs.BudgetOpened"
    public static let source = "/ias/costs"

    public var caseId: Identifier
    public var lumpSumRappen: Int
    public var openedOn: CalendarDate

    public init(caseId: Identifier, lumpSumRappen: Int, openedOn: CalendarDate) {
        self.caseId = caseId
        self.lumpSumRappen = lumpSumRappen
        self.openedOn = openedOn
    }
}

/// `costs.CostApprovalRequested` — A cost approval (Kostengutsprache) was requested for a measure.
public struct CostApprovalRequested: EventPayload, Equatable {
    public static let eventType = "costs.CostApprovalRequested"
    public static let source = "/ias/costs"

    public var caseId: Identifier
    public var approvalId: Identifier
    public var measureId: Identifier
    public var amountRappen: Int
    public var requestedByOrg: String

    public init(caseId: Identifier, approvalId: Identifier, measureId: Identifier, amountRappen: Int, requestedByOrg: String) {
        self.caseId = caseId
        self.approvalId = approvalId
        self.measureId = measureId
        self.amountRappen = amountRappen
        self.requestedByOrg = requestedByOrg
    }
}

/// `costs.CostApprovalDecided` — The canton decided a cost approval.
public struct CostApprovalDecided: EventPayload, Equatable {
    public static let eventType = "costs.CostApprovalDecided"
    public static let source = "/ias/costs"

    public var caseId: Identifier
    public var approvalId: Identifier
    public var measureId: Identifier
    public var decision: CostDecision
    /// 0 when rejected
    public var grantedRappen: Int
    public var fundingSource: FundingSource
    public var decidedOn: CalendarDate

    public init(caseId: Identifier, approvalId: Identifier, measureId: Identifier, decision: CostDecision, grantedRappen: Int, fundingSource: FundingSource, decidedOn: CalendarDate) {
        self.caseId = caseId
        self.approvalId = approvalId
        self.measureId = measureId
        self.decision = decision
        self.grantedRappen = grantedRappen
        self.fundingSource = fundingSource
        self.decidedOn = decidedOn
    }
}

/// `costs.ChargeBooked` — An invoice was charged against a granted approval.
public struct ChargeBooked: EventPayload, Equatable {
    public static let eventType = "costs.ChargeBooked"
    public static let source = "/ias/costs"

    public var caseId: Identifier
    public var approvalId: Identifier
    public var measureId: Identifier
    public var amountRappen: Int
    public var bookedOn: CalendarDate

    public init(caseId: Identifier, approvalId: Identifier, measureId: Identifier, amountRappen: Int, bookedOn: CalendarDate) {
        self.caseId = caseId
        self.approvalId = approvalId
        self.measureId = measureId
        self.amountRappen = amountRappen
        self.bookedOn = bookedOn
    }
}

/// `costs.BudgetThresholdReached` — The committed share of the lump sum reached the configured threshold.
public struct BudgetThresholdReached: EventPayload, Equatable {
    public static let eventType = "costs.BudgetThresholdReached"
    public static let source = "/ias/costs"

    public var caseId: Identifier
    public var thresholdPercent: Int
    public var committedRappen: Int
    public var lumpSumRappen: Int

    public init(caseId: Identifier, thresholdPercent: Int, committedRappen: Int, lumpSumRappen: Int) {
        self.caseId = caseId
        self.thresholdPercent = thresholdPercent
        self.committedRappen = committedRappen
        self.lumpSumRappen = lumpSumRappen
    }
}
