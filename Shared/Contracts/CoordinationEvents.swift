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

/// `coordination.TaskEscalated` — An open task stayed overdue past its rule's grace and was
/// escalated to the canton. Ids, the kind and dates only: the canton reads the case itself.
public struct TaskEscalated: EventPayload, Equatable {
    public static let eventType = "coordination.TaskEscalated"
    public static let source = "/ias/coordination"

    public var caseId: Identifier
    public var taskId: Identifier
    public var kind: TaskKind
    public var assigneeOrg: String
    public var escalatedTo: String
    public var dueOn: CalendarDate

    public init(caseId: Identifier, taskId: Identifier, kind: TaskKind, assigneeOrg: String, escalatedTo: String, dueOn: CalendarDate) {
        self.caseId = caseId
        self.taskId = taskId
        self.kind = kind
        self.assigneeOrg = assigneeOrg
        self.escalatedTo = escalatedTo
        self.dueOn = dueOn
    }
}

/// `coordination.DocumentAdded` — A document, or a new version of one, was added to a case.
/// Carries neither content nor title nor file name: department systems learn that it exists.
public struct DocumentAdded: EventPayload, Equatable {
    public static let eventType = "coordination.DocumentAdded"
    public static let source = "/ias/coordination"

    public var caseId: Identifier
    public var documentId: Identifier
    public var version: Int
    public var category: DocumentCategory
    public var contentType: String
    public var sizeBytes: Int
    /// Hex SHA-256 of the content.
    public var sha256: String
    public var linkKind: DocumentLinkKind?
    public var linkId: Identifier?

    public init(caseId: Identifier, documentId: Identifier, version: Int, category: DocumentCategory, contentType: String,
                sizeBytes: Int, sha256: String, linkKind: DocumentLinkKind? = nil, linkId: Identifier? = nil) {
        self.caseId = caseId
        self.documentId = documentId
        self.version = version
        self.category = category
        self.contentType = contentType
        self.sizeBytes = sizeBytes
        self.sha256 = sha256
        self.linkKind = linkKind
        self.linkId = linkId
    }
}

/// `coordination.DocumentWithdrawn` — A document was withdrawn: kept for the audit, no longer
/// listed, its content erased after the retention rule of its category.
public struct DocumentWithdrawn: EventPayload, Equatable {
    public static let eventType = "coordination.DocumentWithdrawn"
    public static let source = "/ias/coordination"

    public var caseId: Identifier
    public var documentId: Identifier
    public var category: DocumentCategory
    public var withdrawnOn: CalendarDate

    public init(caseId: Identifier, documentId: Identifier, category: DocumentCategory, withdrawnOn: CalendarDate) {
        self.caseId = caseId
        self.documentId = documentId
        self.category = category
        self.withdrawnOn = withdrawnOn
    }
}

/// `coordination.AuditTrailAnchored` — The daily anchor of the audit trail: the head of its hash chain on that day
/// (a place and a hash, no personal data), so that a copy of every anchor lives outside coordination's database.
public struct AuditTrailAnchored: EventPayload, Equatable {
    public static let eventType = "coordination.AuditTrailAnchored"
    public static let source = "/ias/coordination"
    /// The subject and record key of every anchor (it concerns no case): one partition keeps them in order.
    public static let subject = "audit-trail"

    public var day: CalendarDate
    /// The place of the chain's last record when the anchor was written.
    public var upToSeq: Int
    /// That record's hash (SHA-256, hex).
    public var headHash: String
    /// Records appended since the anchor before.
    public var records: Int

    public init(day: CalendarDate, upToSeq: Int, headHash: String, records: Int) {
        self.day = day; self.upToSeq = upToSeq; self.headHash = headHash; self.records = records
    }
}
