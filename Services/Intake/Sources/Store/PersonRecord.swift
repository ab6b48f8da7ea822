import Foundation
import IASContracts
import IASMessaging
import IASPostgres
import IASRuntime
import IASServiceKit

/// A registered person as stored and as returned by the API.
struct PersonRecord: Codable, Sendable {
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

    init(row: PostgresRow) throws {
        personId = try row.identifier("person_id")
        caseId = try row.identifier("case_id")
        zemisNumber = try row.optionalString("zemis_number")
        givenName = try row.string("given_name")
        familyName = try row.string("family_name")
        dateOfBirth = try row.calendarDate("date_of_birth")
        sex = try row.enumValue("sex")
        nationality = try row.string("nationality")
        languages = try row.json([String].self, "languages")
        status = try row.enumValue("status")
        enteredCantonOn = try row.calendarDate("entered_canton_on")
        statusDecidedOn = try row.optionalCalendarDate("status_decided_on")
        householdId = try row.optionalIdentifier("household_id")
        accommodation = try row.enumValue("accommodation")
        responsibleOrg = try row.string("responsible_org")
        duplicateOverrideReason = try row.optionalString("duplicate_override_reason")
        closedOn = try row.optionalCalendarDate("closed_on")
        closureReason = try row.optionalString("closure_reason").map { text in
            guard let value = ClosureReason(rawValue: text) else { throw UnexpectedStoredValue(column: "closure_reason") }
            return value
        }
        closureOutcome = try row.optionalString("closure_outcome").map { text in
            guard let value = IntegrationOutcome(rawValue: text) else { throw UnexpectedStoredValue(column: "closure_outcome") }
            return value
        }
        version = try row.int("version")
        createdAt = try row.date("created_at")
        updatedAt = try row.date("updated_at")
    }

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
