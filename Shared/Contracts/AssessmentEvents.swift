import IASMessaging
import IASRuntime

/// `assessment.StatusMeetingRecorded` — A status meeting (Standortgespräch) took place.
public struct StatusMeetingRecorded: EventPayload, Equatable {
    public static let eventType = "assessment.StatusMeetingRecorded"
    public static let source = "/ias/assessment"

    public var caseId: Identifier
    public var meetingId: Identifier
    public var heldOn: CalendarDate
    /// how many took part (names stay in the assessment service)
    public var participantCount: Int

    public init(caseId: Identifier, meetingId: Identifier, heldOn: CalendarDate, participantCount: Int) {
        self.caseId = caseId
        self.meetingId = meetingId
        self.heldOn = heldOn
        self.participantCount = participantCount
    }
}

/// `assessment.AssessmentCompleted` — A short assessment or a potential assessment was completed.
public struct AssessmentCompleted: EventPayload, Equatable {
    public static let eventType = "assessment.AssessmentCompleted"
    public static let source = "/ias/assessment"

    public var caseId: Identifier
    public var assessmentId: Identifier
    public var kind: AssessmentKind
    public var heldOn: CalendarDate
    public var languageLevels: LanguageLevels
    public var literate: Bool
    public var schoolYears: Int
    public var vocationalYears: Int
    public var healthRestriction: HealthRestriction
    public var childcareDuties: Bool

    public init(caseId: Identifier, assessmentId: Identifier, kind: AssessmentKind, heldOn: CalendarDate, languageLevels: LanguageLevels, literate: Bool, schoolYears: Int, vocationalYears: Int, healthRestriction: HealthRestriction, childcareDuties: Bool) {
        self.caseId = caseId
        self.assessmentId = assessmentId
        self.kind = kind
        self.heldOn = heldOn
        self.languageLevels = languageLevels
        self.literate = literate
        self.schoolYears = schoolYears
        self.vocationalYears = vocationalYears
        self.healthRestriction = healthRestriction
        self.childcareDuties = childcareDuties
    }
}

/// `assessment.TargetGroupAssigned` — The case was triaged into a target group, by a rule of the versioned rule set or by a manual override with a reason.
public struct TargetGroupAssigned: EventPayload, Equatable {
    public static let eventType = "assessment.TargetGroupAssigned"
    public static let source = "/ias/assessment"

    public var caseId: Identifier
    public var targetGroup: TargetGroup
    /// code of the pathway (support chain) of the catalogue
    public var pathway: String
    public var decidedOn: CalendarDate
    public var ageAtDecision: Int
    /// the assessment the rule looked at
    public var assessmentId: Identifier?
    /// set when a rule decided
    public var ruleSetVersion: String?
    /// set when a rule decided
    public var ruleId: String?
    /// set for a manual override
    public var overrideReason: String?
    /// aged 16 to 50 and no potential assessment yet
    public var potentialAssessmentDue: Bool

    public init(caseId: Identifier, targetGroup: TargetGroup, pathway: String, decidedOn: CalendarDate, ageAtDecision: Int, assessmentId: Identifier? = nil, ruleSetVersion: String? = nil, ruleId: String? = nil, overrideReason: String? = nil, potentialAssessmentDue: Bool) {
        self.caseId = caseId
        self.targetGroup = targetGroup
        self.pathway = pathway
        self.decidedOn = decidedOn
        self.ageAtDecision = ageAtDecision
        self.assessmentId = assessmentId
        self.ruleSetVersion = ruleSetVersion
        self.ruleId = ruleId
        self.overrideReason = overrideReason
        self.potentialAssessmentDue = potentialAssessmentDue
    }
}
