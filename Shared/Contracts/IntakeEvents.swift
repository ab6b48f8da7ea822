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

    public init(personId: Identifier, caseId: Identifier, zemisNumber: String?, givenName: String, familyName: String,
                dateOfBirth: CalendarDate, sex: Sex, nationality: String, languages: [String], status: ResidenceStatus,
                enteredCantonOn: CalendarDate, statusDecidedOn: CalendarDate?, householdId: Identifier?,
                accommodation: Accommodation, responsibleOrg: String) {
        self.personId = personId; self.caseId = caseId; self.zemisNumber = zemisNumber; self.givenName = givenName
        self.familyName = familyName; self.dateOfBirth = dateOfBirth; self.sex = sex; self.nationality = nationality
        self.languages = languages; self.status = status; self.enteredCantonOn = enteredCantonOn
        self.statusDecidedOn = statusDecidedOn; self.householdId = householdId; self.accommodation = accommodation
        self.responsibleOrg = responsibleOrg
    }
}
