import IASMessaging
import IASRuntime

/// `plan.PlanDrafted` — A plan was drafted from the pathway of the assigned target group.
public struct PlanDrafted: EventPayload, Equatable {
    public static let eventType = "plan.PlanDrafted"
    public static let source = "/ias/plan"

    public var caseId: Identifier
    public var planId: Identifier
    public var targetGroup: TargetGroup
    public var pathway: String

    public init(caseId: Identifier, planId: Identifier, targetGroup: TargetGroup, pathway: String) {
        self.caseId = caseId
        self.planId = planId
        self.targetGroup = targetGroup
        self.pathway = pathway
    }
}

/// `plan.AgreementSigned` — The integration agreement was signed: goals and review cadence; the plan is active from now on.
public struct AgreementSigned: EventPayload, Equatable {
    public static let eventType = "plan.AgreementSigned"
    public static let source = "/ias/plan"

    public var caseId: Identifier
    public var planId: Identifier
    public var signedOn: CalendarDate
    public var goalCount: Int
    public var reviewEveryMonths: Int
    public var nextReviewDue: CalendarDate

    public init(caseId: Identifier, planId: Identifier, signedOn: CalendarDate, goalCount: Int, reviewEveryMonths: Int, nextReviewDue: CalendarDate) {
        self.caseId = caseId
        self.planId = planId
        self.signedOn = signedOn
        self.goalCount = goalCount
        self.reviewEveryMonths = reviewEveryMonths
        self.nextReviewDue = nextReviewDue
    }
}

/// `plan.MeasurePlanned` — A measure of the catalogue was added to the plan.
public struct MeasurePlanned: EventPayload, Equatable {
    public static let eventType = "plan.MeasurePlanned"
    public static let source = "/ias/plan"

    public var caseId: Identifier
    public var planId: Identifier
    public var measureId: Identifier
    public var catalogCode: String
    public var fieldOfAction: String
    public var fundingSource: FundingSource
    /// partner:RAV or canton:BKS when a partner delivers it
    public var partner: String?
    public var provider: String?
    public var startsOn: CalendarDate
    public var endsOn: CalendarDate?
    public var estimatedCostRappen: Int

    public init(caseId: Identifier, planId: Identifier, measureId: Identifier, catalogCode: String, fieldOfAction: String, fundingSource: FundingSource, partner: String? = nil, provider: String? = nil, startsOn: CalendarDate, endsOn: CalendarDate? = nil, estimatedCostRappen: Int) {
        self.caseId = caseId
        self.planId = planId
        self.measureId = measureId
        self.catalogCode = catalogCode
        self.fieldOfAction = fieldOfAction
        self.fundingSource = fundingSource
        self.partner = partner
        self.provider = provider
        self.startsOn = startsOn
        self.endsOn = endsOn
        self.estimatedCostRappen = estimatedCostRappen
    }
}

/// `plan.MeasureStatusChanged` — A measure moved in its state machine (planned, approved, enrolled, started, completed, interrupted, dropped).
public struct MeasureStatusChanged: EventPayload, Equatable {
    public static let eventType = "plan.MeasureStatusChanged"
    public static let source = "/ias/plan"

    public var caseId: Identifier
    public var planId: Identifier
    public var measureId: Identifier
    public var catalogCode: String
    public var from: MeasureStatus
    public var to: MeasureStatus
    public var on: CalendarDate
    public var reason: String?

    public init(caseId: Identifier, planId: Identifier, measureId: Identifier, catalogCode: String, from: MeasureStatus, to: MeasureStatus, on: CalendarDate, reason: String? = nil) {
        self.caseId = caseId
        self.planId = planId
        self.measureId = measureId
        self.catalogCode = catalogCode
        self.from = from
        self.to = to
        self.on = on
        self.reason = reason
    }
}

/// `plan.PlanDeviationFlagged` — The plan is not followed: a measure was interrupted or dropped, or a review is overdue.
public struct PlanDeviationFlagged: EventPayload, Equatable {
    public static let eventType = "plan.PlanDeviationFlagged"
    public static let source = "/ias/plan"

    public var caseId: Identifier
    public var planId: Identifier
    public var kind: DeviationKind
    public var measureId: Identifier?
    public var on: CalendarDate

    public init(caseId: Identifier, planId: Identifier, kind: DeviationKind, measureId: Identifier? = nil, on: CalendarDate) {
        self.caseId = caseId
        self.planId = planId
        self.kind = kind
        self.measureId = measureId
        self.on = on
    }
}

/// `plan.PlanReviewed` — A joint review of the plan was held.
public struct PlanReviewed: EventPayload, Equatable {
    public static let eventType = "plan.PlanReviewed"
    public static let source = "/ias/plan"

    public var caseId: Identifier
    public var planId: Identifier
    public var heldOn: CalendarDate
    public var outcome: ReviewOutcome
    public var nextReviewDue: CalendarDate?

    public init(caseId: Identifier, planId: Identifier, heldOn: CalendarDate, outcome: ReviewOutcome, nextReviewDue: CalendarDate? = nil) {
        self.caseId = caseId
        self.planId = planId
        self.heldOn = heldOn
        self.outcome = outcome
        self.nextReviewDue = nextReviewDue
    }
}

/// `plan.FinalReportIssued` — At a handover the final report (Schlussbericht) was stored as a snapshot of the plan.
public struct FinalReportIssued: EventPayload, Equatable {
    public static let eventType = "plan.FinalReportIssued"
    public static let source = "/ias/plan"

    public var caseId: Identifier
    public var planId: Identifier
    public var reportId: Identifier
    public var issuedOn: CalendarDate
    public var fromOrg: String
    public var toOrg: String

    public init(caseId: Identifier, planId: Identifier, reportId: Identifier, issuedOn: CalendarDate, fromOrg: String, toOrg: String) {
        self.caseId = caseId
        self.planId = planId
        self.reportId = reportId
        self.issuedOn = issuedOn
        self.fromOrg = fromOrg
        self.toOrg = toOrg
    }
}
