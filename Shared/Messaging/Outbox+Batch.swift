import Foundation
import IASPostgres
import IASRuntime

extension Outbox {
    /// Appends many events with one statement, in the caller's transaction and in the given
    /// order (the relay publishes by outbox id). For bulk writes such as an allocation list,
    /// where one INSERT per event would cost a round trip each.
    public static func append(_ envelopes: [EventEnvelope], to topic: String, on connection: PostgresConnection) throws {
        guard envelopes.count > 1 else {
            // One row: the plain INSERT, without building and unpacking a JSON array.
            if let envelope = envelopes.first { try append(envelope, to: topic, on: connection) }
            return
        }
        let rows = try envelopes.map { envelope in
            Row(event_id: envelope.id, partition_key: envelope.subject, event_type: envelope.type,
                payload: String(decoding: try envelope.encoded(), as: UTF8.self))
        }
        try connection.execute("""
            INSERT INTO outbox (event_id, topic, partition_key, event_type, payload)
            SELECT (item->>'event_id')::uuid, $2, item->>'partition_key', item->>'event_type', item->>'payload'
            FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS rows (item, position)
            ORDER BY position
            """, [try PostgresJSON(rows), topic])
    }

    /// One outbox row; the payload travels as a JSON string and arrives byte for byte.
    private struct Row: Encodable {
        let event_id: Identifier
        let partition_key: String
        let event_type: String
        let payload: String
    }
}
