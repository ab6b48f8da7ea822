import IASMessaging
import IASRuntime

/// `coordination.ReferralSent` — A referral left for a partner (RAV/AMIplus, BKS) with a valid consent or a recorded legal basis.
public struct ReferralSent: EventPayload, Equatable {
    public static let eventType = "coordination.ReferralSent"
    public static let source = "/ias/coordination"

    public var caseId: Identifier
    public var referralId: Identifier
    public var partner: String
    public var measureId: Identifier
    public var catalogCode: String
    public var legalBasisOverride: Bool
    /// The consent the referral relies on; absent when an approver recorded a legal-basis override.
    public var consentId: Identifier?
    /// Why the referral left without consent (set with legalBasisOverride).
    public var overrideReason: String?

    public init(caseId: Identifier, referralId: Identifier, partner: String, measureId: Identifier, catalogCode: String, legalBasisOverride: Bool) {
        self.caseId = caseId
        self.referralId = referralId
        self.partner = partner
        self.measureId = measureId
        self.catalogCode = catalogCode
        self.legalBasisOverride = legalBasisOverride
    }
}

/// `coordination.PartnerUpdateReceived` — A partner answered a referral: accepted, enrolled, or ended.
public struct PartnerUpdateReceived: EventPayload, Equatable {
    public static let eventType = "coordination.PartnerUpdateReceived"
    public static let source = "/ias/coordination"

    public var caseId: Identifier
    public var referralId: Identifier
    public var partner: String
    public var measureId: Identifier
    public var update: PartnerUpdateKind
    public var on: CalendarDate
    /// for ended: completed or interrupted
    public var outcome: String?

    public init(caseId: Identifier, referralId: Identifier, partner: String, measureId: Identifier, update: PartnerUpdateKind, on: CalendarDate, outcome: String? = nil) {
        self.caseId = caseId
        self.referralId = referralId
        self.partner = partner
        self.measureId = measureId
        self.update = update
        self.on = on
        self.outcome = outcome
    }
}

/// `coordination.TaskOpened` — A task was opened for an organisation.
public struct TaskOpened: EventPayload, Equatable {
    public static let eventType = "coordination.TaskOpened"
    public static let source = "/ias/coordination"

    public var caseId: Identifier
    public var taskId: Identifier
    public var kind: TaskKind
    public var assigneeOrg: String
    public var dueOn: CalendarDate?
    /// What the task is about: an approval id, a measure id, a plan id, a partner or the new organisation.
    public var subjectRef: String?

    public init(caseId: Identifier, taskId: Identifier, kind: TaskKind, assigneeOrg: String, dueOn: CalendarDate? = nil) {
        self.caseId = caseId
        self.taskId = taskId
        self.kind = kind
        self.assigneeOrg = assigneeOrg
        self.dueOn = dueOn
    }
}

/// `coordination.TaskCompleted` — A task was completed.
public struct TaskCompleted: EventPayload, Equatable {
    public static let eventType = "coordination.TaskCompleted"
    public static let source = "/ias/coordination"

    public var caseId: Identifier
    public var taskId: Identifier
    public var kind: TaskKind
    public var outcome: String

    public init(caseId: Identifier, taskId: Identifier, kind: TaskKind, outcome: String) {
        self.caseId = caseId
        self.taskId = taskId
        self.kind = kind
        self.outcome = outcome
    }
}
