import IASMessaging
import IASRuntime

// Messages on the partner topics (each partner its own pair, see PartnerChannel:
// `iiz.partner.<partner>.outbound.v1` and `iiz.partner.<partner>.inbound.v1`).
// Same envelope as the internal events; `source` is `/ias/coordination` outbound and
// `/partner/rav` or `/partner/bks` inbound. They carry only what the partner needs to act:
// never the dossier, the residence status history, assessments or costs.

/// `partner.ReferralRequested` (outbound) — coordination asks a partner to take the person
/// into a measure. Carries: the referral and measure, the person's name, date of birth and
/// languages (to identify and place them), and the organisation to report back to.
public struct ReferralRequested: EventPayload, Equatable {
    public static let eventType = "partner.ReferralRequested"
    public static let source = "/ias/coordination"

    public struct PersonForPartner: Codable, Sendable, Equatable {
        public var givenName: String
        public var familyName: String
        public var dateOfBirth: CalendarDate
        public var languages: [String]
        public init(givenName: String, familyName: String, dateOfBirth: CalendarDate, languages: [String]) {
            self.givenName = givenName; self.familyName = familyName; self.dateOfBirth = dateOfBirth; self.languages = languages
        }
    }

    public var referralId: Identifier
    public var caseId: Identifier
    public var partner: String
    public var measureId: Identifier
    public var catalogCode: String
    public var startsOn: CalendarDate?
    public var person: PersonForPartner
    /// The organisation responsible for the case, to whom the partner reports.
    public var contactOrg: String

    public init(referralId: Identifier, caseId: Identifier, partner: String, measureId: Identifier, catalogCode: String,
                startsOn: CalendarDate?, person: PersonForPartner, contactOrg: String) {
        self.referralId = referralId; self.caseId = caseId; self.partner = partner; self.measureId = measureId
        self.catalogCode = catalogCode; self.startsOn = startsOn; self.person = person; self.contactOrg = contactOrg
    }
}

/// Inbound answers. `referralId` and `caseId` tie them to the referral; nothing else about
/// the person comes back.
public struct ReferralAccepted: EventPayload, Equatable {
    public static let eventType = "partner.ReferralAccepted"
    public static let source = "/partner"
    public var referralId: Identifier
    public var caseId: Identifier
    public var acceptedOn: CalendarDate
    public init(referralId: Identifier, caseId: Identifier, acceptedOn: CalendarDate) {
        self.referralId = referralId; self.caseId = caseId; self.acceptedOn = acceptedOn
    }
}

public struct MeasureEnrolled: EventPayload, Equatable {
    public static let eventType = "partner.MeasureEnrolled"
    public static let source = "/partner"
    public var referralId: Identifier
    public var caseId: Identifier
    public var enrolledOn: CalendarDate
    public var startsOn: CalendarDate
    public init(referralId: Identifier, caseId: Identifier, enrolledOn: CalendarDate, startsOn: CalendarDate) {
        self.referralId = referralId; self.caseId = caseId; self.enrolledOn = enrolledOn; self.startsOn = startsOn
    }
}

public struct MeasureEnded: EventPayload, Equatable {
    public enum Outcome: String, Codable, Sendable { case completed, interrupted, dropped }
    public static let eventType = "partner.MeasureEnded"
    public static let source = "/partner"
    public var referralId: Identifier
    public var caseId: Identifier
    public var endedOn: CalendarDate
    public var outcome: Outcome
    public init(referralId: Identifier, caseId: Identifier, endedOn: CalendarDate, outcome: Outcome) {
        self.referralId = referralId; self.caseId = caseId; self.endedOn = endedOn; self.outcome = outcome
    }
}
