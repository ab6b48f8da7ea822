import Foundation
import IASContracts
import IASMessaging
import IASPostgres
import IASRuntime

/// Applies events of every service to the dossier tables. Called inside the event
/// processor's transaction, after the inbox row was written: each event is applied once.
enum DossierProjection {
    static let topics = [Topics.intake, Topics.assessment, Topics.plan, Topics.costs]

    static func apply(_ envelope: EventEnvelope, on c: PostgresConnection) throws {
        // Every event joins the case's timeline, also those the projection does not interpret (yet).
        try c.execute("""
            INSERT INTO timeline (event_id, case_id, event_type, source, occurred_at, actor_org, data)
            VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb) ON CONFLICT (event_id) DO NOTHING
            """, [envelope.id, envelope.subject, envelope.type, envelope.source, envelope.time, envelope.actororg,
                  try PostgresJSON(envelope.data)])
        switch envelope.type {
        case PersonRegistered.eventType:
            try personRegistered(try envelope.payload(PersonRegistered.self), envelope: envelope, on: c)
        default:
            break
        }
    }

    private static func personRegistered(_ e: PersonRegistered, envelope: EventEnvelope, on c: PostgresConnection) throws {
        guard e.caseId.description == envelope.subject else {
            throw EventRejected("event \(envelope.id): subject \(envelope.subject) is not the caseId of its data")
        }
        try c.execute("""
            INSERT INTO cases (case_id, person_id, zemis_number, given_name, family_name, date_of_birth, sex, nationality, languages,
                               status, entered_canton_on, status_decided_on, household_id, accommodation, responsible_org, registered_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10, $11, $12, $13, $14, $15, $16)
            ON CONFLICT (case_id) DO NOTHING
            """, [e.caseId, e.personId, e.zemisNumber, e.givenName, e.familyName, e.dateOfBirth, e.sex.rawValue, e.nationality,
                  try PostgresJSON(e.languages), e.status.rawValue, e.enteredCantonOn, e.statusDecidedOn, e.householdId,
                  e.accommodation.rawValue, e.responsibleOrg, envelope.time])
        try c.execute("""
            INSERT INTO responsibility_history (case_id, event_id, org, since, reason) VALUES ($1, $2, $3, $4, 'registration')
            ON CONFLICT DO NOTHING
            """, [e.caseId, envelope.id, e.responsibleOrg, e.enteredCantonOn])
    }
}
