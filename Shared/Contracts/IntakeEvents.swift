import IASMessaging
import IASRuntime

/// Residence status: asylum seeker, provisionally admitted, recognised refugee.
public enum ResidenceStatus: String, Codable, Sendable, CaseIterable { case N, VA, FL }

public enum Sex: String, Codable, Sendable, CaseIterable { case female, male, diverse, unknown }

public enum Accommodation: String, Codable, Sendable, CaseIterable { case cantonal, municipal }

/// `intake.PersonRegistered` — a person was assigned to the canton and a case opened.
/// Carries the identity data the other services show in the dossier; consumers needing less
/// (costs, plan) ignore the rest.
public struct PersonRegistered: EventPayload, Equatable {
    public static let eventType = "intake.PersonRegistered"
    public static let source = "/ias/intake"

    public var personId: Identifier
    public var caseId: Identifier
    public var zemisNumber: String?
    public var givenName: String
    public var familyName: String
    public var dateOfBirth: CalendarDate
    public var sex: Sex
    public var nationality: String
    public var languages: [String]
    public var status: ResidenceStatus
    public var enteredCantonOn: CalendarDate
    public var statusDecidedOn: CalendarDate?
    public var householdId: Identifier?
    public var accommodation: Accommodation
    /// The organisation currently responsible for the case, e.g. `canton:KSD`, `municipality:4001`.
    public var responsibleOrg: String
    /// Set when the registration went ahead although a likely duplicate existed.
    public var duplicateOverrideReason: String?

    public init(personId: Identifier, caseId: Identifier, zemisNumber: String?, givenName: String, familyName: String,
                dateOfBirth: CalendarDate, sex: Sex, nationality: String, languages: [String], status: ResidenceStatus,
                enteredCantonOn: CalendarDate, statusDecidedOn: CalendarDate?, householdId: Identifier?,
                accommodation: Accommodation, responsibleOrg: String, duplicateOverrideReason: String? = nil) {
        self.personId = personId; self.caseId = caseId; self.zemisNumber = zemisNumber; self.givenName = givenName
        self.familyName = familyName; self.dateOfBirth = dateOfBirth; self.sex = sex; self.nationality = nationality
        self.languages = languages; self.status = status; self.enteredCantonOn = enteredCantonOn
        self.statusDecidedOn = statusDecidedOn; self.householdId = householdId; self.accommodation = accommodation
        self.responsibleOrg = responsibleOrg
        self.duplicateOverrideReason = duplicateOverrideReason
    }
}

// MARK: Generated events

/// `intake.StatusRegularized` — The federal decision arrived: an asylum seeker (N) became provisionally admitted (VA) or a recognised refugee (FL). The integration lump sum is due from now on.
public struct StatusRegularized: EventPayload, Equatable {
    public static let eventType = "intake.StatusRegularized"
    public static let source = "/ias/intake"

    public var personId: Identifier
    public var caseId: Identifier
    public var previousStatus: ResidenceStatus
    /// VA or FL
    public var status: ResidenceStatus
    public var decidedOn: CalendarDate

    public init(personId: Identifier, caseId: Identifier, previousStatus: ResidenceStatus, status: ResidenceStatus, decidedOn: CalendarDate) {
        self.personId = personId
        self.caseId = caseId
        self.previousStatus = previousStatus
        self.status = status
        self.decidedOn = decidedOn
    }
}

/// `intake.ResponsibilityTransferred` — The case changed hands: canton to municipality on assignment, municipality to municipality on relocation, or a municipality delegated the work to a mandated organisation. Access moves with it.
public struct ResponsibilityTransferred: EventPayload, Equatable {
    public static let eventType = "intake.ResponsibilityTransferred"
    public static let source = "/ias/intake"

    public var personId: Identifier
    public var caseId: Identifier
    public var fromOrg: String
    public var toOrg: String
    public var effectiveOn: CalendarDate
    public var reason: TransferReason

    public init(personId: Identifier, caseId: Identifier, fromOrg: String, toOrg: String, effectiveOn: CalendarDate, reason: TransferReason) {
        self.personId = personId
        self.caseId = caseId
        self.fromOrg = fromOrg
        self.toOrg = toOrg
        self.effectiveOn = effectiveOn
        self.reason = reason
    }
}

/// `intake.PersonDataCorrected` — Identity data was corrected (with If-Match). Carries only the corrected fields with their new values.
public struct PersonDataCorrected: EventPayload, Equatable {
    public static let eventType = "intake.PersonDataCorrected"
    public static let source = "/ias/intake"

    public var personId: Identifier
    public var caseId: Identifier
    /// field name -> new value; fields of PersonRegistered only
    public var changes: [String: JSONValue]
    /// the person's version after the correction
    public var version: Int

    public init(personId: Identifier, caseId: Identifier, changes: [String: JSONValue], version: Int) {
        self.personId = personId
        self.caseId = caseId
        self.changes = changes
        self.version = version
    }
}

/// `intake.CaseClosed` — The case ended: integration reached, the 7-year limit, departure, death or another reason.
public struct CaseClosed: EventPayload, Equatable {
    public static let eventType = "intake.CaseClosed"
    public static let source = "/ias/intake"

    public var personId: Identifier
    public var caseId: Identifier
    public var reason: ClosureReason
    public var closedOn: CalendarDate
    /// for reason integrated: into what
    public var outcome: IntegrationOutcome?

    public init(personId: Identifier, caseId: Identifier, reason: ClosureReason, closedOn: CalendarDate, outcome: IntegrationOutcome? = nil) {
        self.personId = personId
        self.caseId = caseId
        self.reason = reason
        self.closedOn = closedOn
        self.outcome = outcome
    }
}
