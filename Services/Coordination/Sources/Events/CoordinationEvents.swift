import Foundation
import IASContracts
import IASMessaging
import IASPostgres
import IASRuntime
import IASServiceKit

/// Coordination's own events. It does not consume its own topic, so each is also written into
/// the case's timeline in the same transaction; messages to a partner go to that partner's
/// outbound topic only (they carry identity data that the timeline shows elsewhere;
/// ReferralSent records the fact).
extension Emitter {
    static func coordination(_ cause: Cause, on c: PostgresConnection) -> Emitter {
        Emitter(topic: Topics.coordination, cause: cause, connection: c, alsoRecord: Timeline.insert)
    }

    static func partner(_ partner: String, _ cause: Cause, on c: PostgresConnection) throws -> Emitter {
        guard let channel = PartnerChannel.of(organisation: partner) else {
            throw EventRejected("\(partner) has no partner topics (PartnerChannel): nothing can be sent to it")
        }
        return Emitter(topic: channel.outbound, cause: cause, connection: c)
    }
}

extension Cause {
    /// An effect of another service's event: done by coordination on its behalf.
    static func event(_ envelope: EventEnvelope) -> Cause {
        Cause(event: envelope, by: Actor(subject: "coordination", organisation: "system"))
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
/// An event refers to something another topic has not delivered yet; retried with backoff.
struct NotArrivedYet: Error, CustomStringConvertible {
    let description: String
}
