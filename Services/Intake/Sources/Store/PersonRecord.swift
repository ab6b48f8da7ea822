import Foundation
import IASContracts
import IASMessaging
import IASPostgres
import IASRuntime
import IASServiceKit

/// A registered person as stored and as returned by the API.
struct PersonRecord: Codable, Sendable, RowDecodable {
    var personId: Identifier
    var caseId: Identifier
    var zemisNumber: String?
    var givenName: String
    var familyName: String
    var dateOfBirth: CalendarDate
    var sex: Sex
    var nationality: String
    var languages: [String]
    var status: ResidenceStatus
    var enteredCantonOn: CalendarDate
    var statusDecidedOn: CalendarDate?
    var householdId: Identifier?
    var accommodation: Accommodation
    var responsibleOrg: String
    /// Why the registration went ahead although a likely duplicate existed.
    var duplicateOverrideReason: String?
    var closedOn: CalendarDate?
    var closureReason: ClosureReason?
    var closureOutcome: IntegrationOutcome?
    var version: Int
    var createdAt: Date
    var updatedAt: Date

    static let columns = """
        person_id, case_id, zemis_number, given_name, family_name, date_of_birth, sex, nationality, languages, status,
        entered_canton_on, status_decided_on, household_id, accommodation, responsible_org, duplicate_override_reason, closed_on, closure_reason, closure_outcome,
        version, created_at, updated_at
        """

    var etag: String { "\"\(version)\"" }

    var isClosed: Bool { closedOn != nil }

    /// The registration event of this person, as published and as rebuilt for corrections.
    var registeredEvent: PersonRegistered {
        PersonRegistered(
            personId: personId, caseId: caseId, zemisNumber: zemisNumber, givenName: givenName, familyName: familyName,
            dateOfBirth: dateOfBirth, sex: sex, nationality: nationality, languages: languages, status: status,
            enteredCantonOn: enteredCantonOn, statusDecidedOn: statusDecidedOn, householdId: householdId,
            accommodation: accommodation, responsibleOrg: responsibleOrg, duplicateOverrideReason: duplicateOverrideReason)
    }
}

extension PersonRecord: CaseRecord {
    var knownPersonId: Identifier? { personId }
}
