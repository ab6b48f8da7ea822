import IASMessaging
import IASRuntime

/// Who caused a change and under which correlation: the events of one story share the
/// correlation id; an event written because of another names it as its causation.
public struct Cause: Sendable {
    public let actor: Actor
    public let correlationId: Identifier
    public let causationId: Identifier?

    public init(actor: Actor, correlationId: Identifier, causationId: Identifier? = nil) {
        self.actor = actor; self.correlationId = correlationId; self.causationId = causationId
    }

    /// Work a service does by itself because of another service's event.
    public init(event: EventEnvelope, by actor: Actor = .system) {
        self.init(actor: actor, correlationId: event.correlationid, causationId: event.id)
    }

    /// Work a service starts by itself (a scheduled job): a story of its own.
    public static func own(_ actor: Actor = .system) -> Cause { Cause(actor: actor, correlationId: Identifier()) }
}
