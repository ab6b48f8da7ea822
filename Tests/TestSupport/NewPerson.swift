import Foundation
import IASRuntime

/// The body of `POST /persons` (and a row of `POST /allocation-lists`). Every field is text as
/// on the wire, so that a test can also send what intake must refuse.
public struct NewPerson: Codable, Sendable {
    public struct DuplicateOverride: Codable, Sendable {
        public var reason: String
        public init(reason: String) { self.reason = reason }
    }

    public var zemisNumber: String?
    public var givenName: String
    public var familyName: String
    public var dateOfBirth: String
    public var sex: String
    public var nationality: String
    public var languages: [String]
    public var status: String
    public var enteredCantonOn: String
    public var statusDecidedOn: String?
    public var householdId: String?
    public var accommodation: String
    public var responsibleOrg: String?
    public var duplicateOverride: DuplicateOverride?

    public init(zemisNumber: String?, givenName: String, familyName: String, dateOfBirth: String, sex: String, nationality: String,
                languages: [String], status: String, enteredCantonOn: String, statusDecidedOn: String? = nil,
                householdId: String? = nil, accommodation: String = "cantonal", responsibleOrg: String? = nil) {
        self.zemisNumber = zemisNumber; self.givenName = givenName; self.familyName = familyName; self.dateOfBirth = dateOfBirth
        self.sex = sex; self.nationality = nationality; self.languages = languages; self.status = status
        self.enteredCantonOn = enteredCantonOn; self.statusDecidedOn = statusDecidedOn; self.householdId = householdId
        self.accommodation = accommodation; self.responsibleOrg = responsibleOrg
    }

    /// A valid registration with a fresh ZEMIS number: an Eritrean woman born in 1994 who
    /// entered on 2026-09-01 (decided 2026-08-20 unless an asylum seeker), family name unique.
    /// The birth day is drawn at random: two samples with similar random family names born on
    /// the same day would be refused as likely duplicates of each other.
    public static func sample(givenName: String = "Amina", familyName: String = "Test-\(UUID().uuidString.prefix(8))",
                              dateOfBirth: String = randomBirthDay(), status: String = "VA", accommodation: String = "cantonal",
                              responsibleOrg: String? = nil) -> NewPerson {
        NewPerson(zemisNumber: nextZemis(), givenName: givenName, familyName: familyName, dateOfBirth: dateOfBirth, sex: "female",
                  nationality: "ER", languages: ["ti", "ar"], status: status, enteredCantonOn: "2026-09-01",
                  statusDecidedOn: status == "N" ? nil : "2026-08-20", accommodation: accommodation, responsibleOrg: responsibleOrg)
    }

    /// The same person entered today (UTC, as the API writes its dates) and, unless an asylum
    /// seeker, decided today.
    public func enteredToday() -> NewPerson {
        var person = self
        let today = PersonFactory.today
        person.enteredCantonOn = today
        if person.statusDecidedOn != nil { person.statusDecidedOn = today }
        return person
    }

    /// A day of 1994 (the 1st to the 28th of a month, so every one exists).
    public static func randomBirthDay() -> String {
        String(format: "1994-%02d-%02d", Int.random(in: 1...12), Int.random(in: 1...28))
    }

    /// A valid ZEMIS number no other registration of this run has.
    public static func nextZemis() -> String {
        zemis.withLock { $0 += 1; return String($0) }
    }

    private static let zemis = Locked(Int.random(in: 10_000_000...80_000_000))
}
