import Foundation
import IASContracts
import IASMessaging
import IASPostgres
import IASRuntime
import IASServiceKit

/// `GET /cases/{caseId}/dossier`: one view of the whole case, built from events.
struct Dossier: Encodable, Sendable {
    struct Person: Encodable, Sendable {
        let personId: Identifier
        let zemisNumber: String?
        let givenName: String
        let familyName: String
        let dateOfBirth: CalendarDate
        let sex: String
        let nationality: String
        let languages: [String]
        let status: String
        let enteredCantonOn: CalendarDate
        let statusDecidedOn: CalendarDate?
        let householdId: Identifier?
        let accommodation: String
    }
    struct Responsibility: Encodable, Sendable {
        let org: String
        let since: CalendarDate
        let reason: String
    }
    struct TimelineEntry: Encodable, Sendable {
        let eventId: Identifier
        let type: String
        let source: String
        let time: Date
        let actorOrg: String
        let data: JSONValue
    }

    let caseId: Identifier
    let person: Person?
    let responsibleOrg: String?
    let responsibilityHistory: [Responsibility]
    let timeline: [TimelineEntry]

    /// nil when nothing at all is known about the case.
    static func load(_ caseId: Identifier, on c: PostgresConnection) throws -> Dossier? {
        let caseRow = try c.query("""
            SELECT person_id, zemis_number, given_name, family_name, date_of_birth, sex, nationality, languages, status,
                   entered_canton_on, status_decided_on, household_id, accommodation, responsible_org
            FROM cases WHERE case_id = $1
            """, [caseId]).first
        let timeline = try c.query("""
            SELECT event_id, event_type, source, occurred_at, actor_org, data FROM timeline
            WHERE case_id = $1 ORDER BY occurred_at, event_id
            """, [caseId.description]).map { row in
            TimelineEntry(eventId: try row.identifier("event_id"), type: try row.string("event_type"), source: try row.string("source"),
                          time: try row.date("occurred_at"), actorOrg: try row.string("actor_org"), data: try row.json(JSONValue.self, "data"))
        }
        guard caseRow != nil || !timeline.isEmpty else { return nil }
        let history = try c.query(
            "SELECT org, since, reason FROM responsibility_history WHERE case_id = $1 ORDER BY since, event_id", [caseId]
        ).map { Responsibility(org: try $0.string("org"), since: try $0.calendarDate("since"), reason: try $0.string("reason")) }
        let person = try caseRow.map { row in
            Person(personId: try row.identifier("person_id"), zemisNumber: try row.optionalString("zemis_number"),
                   givenName: try row.string("given_name"), familyName: try row.string("family_name"),
                   dateOfBirth: try row.calendarDate("date_of_birth"), sex: try row.string("sex"),
                   nationality: try row.string("nationality"), languages: try row.json([String].self, "languages"),
                   status: try row.string("status"), enteredCantonOn: try row.calendarDate("entered_canton_on"),
                   statusDecidedOn: try row.optionalCalendarDate("status_decided_on"),
                   householdId: try row.optionalIdentifier("household_id"), accommodation: try row.string("accommodation"))
        }
        return Dossier(caseId: caseId, person: person, responsibleOrg: try caseRow?.string("responsible_org"),
                       responsibilityHistory: history, timeline: timeline)
    }
}
