import IASRuntime

// The closed vocabularies of the contract. Raw values are the wire and database values.

public enum TransferReason: String, Codable, Sendable, CaseIterable { case assignment, relocation, delegation }

public enum ClosureReason: String, Codable, Sendable, CaseIterable {
    case integrated, maxDuration = "max_duration", leftCanton = "left_canton", deceased, other
}

/// What "integrated" meant when a case closed for that reason (indicators 3 and 4 count these).
public enum IntegrationOutcome: String, Codable, Sendable, CaseIterable {
    case firstLabourMarket = "first_labour_market", vocationalEducation = "vocational_education", other
}

public enum AssessmentKind: String, Codable, Sendable, CaseIterable { case short, potential }

/// CEFR levels, ordered.
public enum LanguageLevel: String, Codable, Sendable, CaseIterable, Comparable {
    case none, A1, A2, B1, B2, C1, C2
    public static func < (a: LanguageLevel, b: LanguageLevel) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

public struct LanguageLevels: Codable, Sendable, Equatable {
    public var listening: LanguageLevel
    public var speaking: LanguageLevel
    public var reading: LanguageLevel
    public var writing: LanguageLevel
    public init(listening: LanguageLevel, speaking: LanguageLevel, reading: LanguageLevel, writing: LanguageLevel) {
        self.listening = listening; self.speaking = speaking; self.reading = reading; self.writing = writing
    }
    /// The lowest of the four skills.
    public var lowest: LanguageLevel { [listening, speaking, reading, writing].min()! }
}

public enum HealthRestriction: String, Codable, Sendable, CaseIterable { case none, partial, severe }

public enum TargetGroup: String, Codable, Sendable, CaseIterable {
    case preschool, schoolAge = "school_age", educationReady = "education_ready",
         labourMarketReady = "labour_market_ready", socialIntegration = "social_integration"
}

public enum FundingSource: String, Codable, Sendable, CaseIterable {
    /// The integration lump sum (IP) of the case.
    case lumpSum = "lump_sum"
    /// Language funding open to asylum seekers (not the lump sum).
    case languageFunding = "language_funding"
    /// Regular structures (school, RAV) — no cost to the case.
    case regularStructures = "regular_structures"
    /// Another source named in a cost decision.
    case other
}

public enum MeasureStatus: String, Codable, Sendable, CaseIterable {
    case planned, approved, enrolled, started, completed, interrupted, dropped
}

public enum DeviationKind: String, Codable, Sendable, CaseIterable {
    case interrupted, dropped, reviewOverdue = "review_overdue"
}

public enum ReviewOutcome: String, Codable, Sendable, CaseIterable {
    case onTrack = "on_track", adjusted, atRisk = "at_risk"
}

public enum CostDecision: String, Codable, Sendable, CaseIterable {
    case granted, partiallyGranted = "partially_granted", rejected
}

public enum PartnerUpdateKind: String, Codable, Sendable, CaseIterable { case accepted, enrolled, ended }

public enum TaskKind: String, Codable, Sendable, CaseIterable {
    /// The receiving organisation takes over a case.
    case handover
    /// A measure was interrupted or dropped: the responsible organisation finds the next step.
    case measureFollowUp = "measure_follow_up"
    /// A cost approval waits for the canton's decision.
    case costDecision = "cost_decision"
    /// A plan review is overdue.
    case overdueReview = "overdue_review"
    /// A referral waits for the person's consent.
    case obtainConsent = "obtain_consent"
    /// After a regularisation: the status meeting with the person.
    case statusMeeting = "status_meeting"
    /// After a regularisation: the short assessment.
    case shortAssessment = "short_assessment"
    /// Triage found a potential assessment due (ages 16 to 50).
    case potentialAssessment = "potential_assessment"
    /// After triage: the integration plan and its signed agreement.
    case planAgreement = "plan_agreement"
    /// The plan's review cadence comes due.
    case reviewDue = "review_due"
    /// The requesting office learns the canton's cost decision.
    case costDecisionNotice = "cost_decision_notice"
    /// The responsible office learns a partner's enrolment or the end of a measure.
    case partnerUpdateNotice = "partner_update_notice"
    /// No enrolment in a language course some months after the agreement.
    case languageCourseMissing = "language_course_missing"
    /// The seven years of integration support since entry are running out.
    case sevenYearLimit = "seven_year_limit"
}

/// What a document of a case is (the canton's concept lists the integration-relevant ones).
public enum DocumentCategory: String, Codable, Sendable, CaseIterable {
    case agreement
    case assessmentReport = "assessment_report"
    /// A language, school or vocational certificate (`CertificateKind`).
    case certificate
    case cv
    case consentForm = "consent_form"
    case finalReport = "final_report"
    case medicalCertificate = "medical_certificate"
    /// A decision, e.g. the federal status decision.
    case decision
    case correspondence
    case other
}

public enum CertificateKind: String, Codable, Sendable, CaseIterable { case language, school, vocational }

/// The record a document backs.
public enum DocumentLinkKind: String, Codable, Sendable, CaseIterable {
    case measure
    case costApproval = "cost_approval"
    case consent
    /// The signed integration agreement; the link names the plan.
    case agreement
    case finalReport = "final_report"
}
