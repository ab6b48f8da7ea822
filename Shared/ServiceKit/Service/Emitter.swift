import IASMessaging
import IASPostgres
import IASRuntime

/// Appends a service's events to the outbox of the caller's transaction, each with the cause
/// of the change, so that they commit with it and the relay publishes them after. The one way
/// a service emits; a service that keeps its own events elsewhere too (coordination's
/// timeline) says so in `alsoRecord`.
public struct Emitter {
    public let topic: String
    public let cause: Cause
    public let connection: PostgresConnection
    let alsoRecord: ((EventEnvelope, PostgresConnection) throws -> Void)?

    public init(topic: String, cause: Cause, connection: PostgresConnection,
                alsoRecord: ((EventEnvelope, PostgresConnection) throws -> Void)? = nil) {
        self.topic = topic; self.cause = cause; self.connection = connection; self.alsoRecord = alsoRecord
    }

    /// The event of `caseId` (its subject and record key).
    @discardableResult
    public func emit<E: EventPayload>(_ event: E, caseId: Identifier) throws -> EventEnvelope {
        let envelope = try envelope(event, caseId: caseId)
        try Outbox.append(envelope, to: topic, on: connection)
        try alsoRecord?(envelope, connection)
        return envelope
    }

    /// Many events in one statement (a bulk registration), in the given order.
    public func emit<E: EventPayload>(all events: [(event: E, caseId: Identifier)]) throws {
        let envelopes = try events.map { try envelope($0.event, caseId: $0.caseId) }
        try Outbox.append(envelopes, to: topic, on: connection)
        if let alsoRecord { for envelope in envelopes { try alsoRecord(envelope, connection) } }
    }

    /// The same cause, another topic (a partner's).
    public func on(topic: String) -> Emitter {
        Emitter(topic: topic, cause: cause, connection: connection, alsoRecord: nil)
    }

    private func envelope<E: EventPayload>(_ event: E, caseId: Identifier) throws -> EventEnvelope {
        try EventEnvelope(event, subject: caseId.description, actor: cause.actor, correlationid: cause.correlationId,
                          causationid: cause.causationId)
    }
}
