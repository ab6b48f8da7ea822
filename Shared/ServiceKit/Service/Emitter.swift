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
    /// Seals the personal data of an event before it is written (intake's, `ServiceHost.sealPersonalData()`).
    let seal: ((EventEnvelope, PostgresConnection) throws -> EventEnvelope)?

    public init(topic: String, cause: Cause, connection: PostgresConnection,
                alsoRecord: ((EventEnvelope, PostgresConnection) throws -> Void)? = nil,
                seal: ((EventEnvelope, PostgresConnection) throws -> EventEnvelope)? = nil) {
        self.topic = topic; self.cause = cause; self.connection = connection; self.alsoRecord = alsoRecord; self.seal = seal
    }

    /// The event of `caseId` (its subject and record key).
    @discardableResult
    public func emit<E: EventPayload>(_ event: E, caseId: Identifier) throws -> EventEnvelope {
        try emit(event, subject: caseId.description)
    }

    /// An event whose subject and record key is not a case (the audit trail's anchor).
    @discardableResult
    public func emit<E: EventPayload>(_ event: E, subject: String) throws -> EventEnvelope {
        let envelope = try envelope(event, subject: subject)
        try Outbox.append(envelope, to: topic, on: connection)
        try alsoRecord?(envelope, connection)
        Self.emitted?.add(envelope.id)
        return envelope
    }

    /// Many events in one statement (a bulk registration), in the given order.
    public func emit<E: EventPayload>(all events: [(event: E, caseId: Identifier)]) throws {
        let envelopes = try events.map { try envelope($0.event, subject: $0.caseId.description) }
        try Outbox.append(envelopes, to: topic, on: connection)
        if let alsoRecord { for envelope in envelopes { try alsoRecord(envelope, connection) } }
        if let last = envelopes.last { Self.emitted?.add(last.id) }
    }

    private func envelope<E: EventPayload>(_ event: E, subject: String) throws -> EventEnvelope {
        let envelope = try EventEnvelope(event, subject: subject, actor: cause.actor, correlationid: cause.correlationId,
                                         causationid: cause.causationId)
        return try seal?(envelope, connection) ?? envelope
    }
}

/// The last event one request's write emitted, whichever emitter wrote it (the service's
/// own, coordination's with its timeline, a partner's): `ServiceHost.write(_:_:)` binds one to
/// `Emitter.emitted` around the handler's transaction body and answers with its id
/// (`IAS-Event-Id`). Events written outside a request (event handlers, scheduled jobs) are
/// recorded nowhere.
final class EmittedEvents: Sendable {
    private let latest = Locked<Identifier?>(nil)

    init() {}

    func add(_ id: Identifier) { latest.withLock { $0 = id } }

    /// The last event emitted, nil when none was.
    var last: Identifier? { latest.current }
}

extension Emitter {
    /// Where the emits of the current request's write are recorded (bound for the duration
    /// of its transaction body, on its thread).
    @TaskLocal static var emitted: EmittedEvents?
}
