import Foundation
import IASContracts
import IASMessaging
import IASPostgres
import IASRuntime

/// Why coordination writes something: the request or the event that caused it, so that its
/// own events carry the caller's correlation and the causing event.
struct Cause: Sendable {
    let actor: Actor
    let correlationId: Identifier
    let causationId: Identifier?

    /// An effect of another service's event: done by the system on its behalf.
    static func event(_ envelope: EventEnvelope) -> Cause {
        Cause(actor: Actor(subject: "coordination", organisation: "system"), correlationId: envelope.correlationid,
              causationId: envelope.id)
    }
}

/// Coordination's own events: appended to the outbox and, since coordination does not consume
/// its own topic, written into the case's timeline in the same transaction.
enum OwnEvents {
    static func publish<P: EventPayload>(_ payload: P, caseId: Identifier, cause: Cause, on c: PostgresConnection) throws {
        let envelope = try EventEnvelope(payload, subject: caseId.description, actor: cause.actor,
                                         correlationid: cause.correlationId, causationid: cause.causationId)
        try Outbox.append(envelope, to: Topics.coordination, on: c)
        try Timeline.insert(envelope, on: c)
    }

    /// A message to a partner, on that partner's own outbound topic: only the outbox, never the
    /// timeline (it carries identity data that the timeline shows elsewhere; ReferralSent
    /// records the fact).
    static func sendToPartner<P: EventPayload>(_ payload: P, partner: String, caseId: Identifier, cause: Cause,
                                               on c: PostgresConnection) throws {
        guard let channel = PartnerChannel.of(organisation: partner) else {
            throw EventRejected("\(partner) has no partner topics (PartnerChannel): nothing can be sent to it")
        }
        let envelope = try EventEnvelope(payload, subject: caseId.description, actor: cause.actor,
                                         correlationid: cause.correlationId, causationid: cause.causationId)
        try Outbox.append(envelope, to: channel.outbound, on: c)
    }
}

enum Timeline {
    static func insert(_ envelope: EventEnvelope, on c: PostgresConnection) throws {
        try c.execute("""
            INSERT INTO timeline (event_id, case_id, event_type, source, occurred_at, actor_org, data)
            VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb) ON CONFLICT (event_id) DO NOTHING
            """, [envelope.id, envelope.subject, envelope.type, envelope.source, envelope.time, envelope.actororg,
                  try PostgresJSON(envelope.data)])
    }
}

/// The case row of the dossier, locked for the transaction so that concurrent changes to one
/// case (a consent recorded while a cost decision arrives) serialise.
struct CaseSnapshot: Sendable {
    let caseId: Identifier
    let givenName: String
    let familyName: String
    let dateOfBirth: CalendarDate
    let languages: [String]
    let status: String
    let responsibleOrg: String
    let closedOn: CalendarDate?

    static func lock(_ caseId: Identifier, on c: PostgresConnection) throws -> CaseSnapshot? {
        try c.query("""
            SELECT case_id, given_name, family_name, date_of_birth, languages, status, responsible_org, closed_on
            FROM cases WHERE case_id = $1 FOR UPDATE
            """, [caseId]).first.map { row in
            CaseSnapshot(caseId: try row.identifier("case_id"), givenName: try row.string("given_name"),
                         familyName: try row.string("family_name"), dateOfBirth: try row.calendarDate("date_of_birth"),
                         languages: try row.json([String].self, "languages"), status: try row.string("status"),
                         responsibleOrg: try row.string("responsible_org"), closedOn: try row.optionalCalendarDate("closed_on"))
        }
    }

    /// Who works on a case that coordination has not seen registered yet: the canton's social service.
    static func responsibleOrg(_ caseId: Identifier, on c: PostgresConnection) throws -> String {
        try c.query("SELECT responsible_org FROM cases WHERE case_id = $1", [caseId]).first?.string("responsible_org") ?? "canton:KSD"
    }
}

/// An event refers to something another topic has not delivered yet; retried with backoff.
struct NotArrivedYet: Error, CustomStringConvertible {
    let description: String
}
