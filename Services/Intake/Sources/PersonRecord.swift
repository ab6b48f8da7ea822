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
    var version: Int
    var createdAt: Date
    var updatedAt: Date

    static let columns = """
        person_id, case_id, zemis_number, given_name, family_name, date_of_birth, sex, nationality, languages, status,
        entered_canton_on, status_decided_on, household_id, accommodation, responsible_org, version, created_at, updated_at
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
        version = try row.int("version")
        createdAt = try row.date("created_at")
        updatedAt = try row.date("updated_at")
    }

    var etag: String { "\"\(version)\"" }
}
