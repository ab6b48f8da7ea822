import Foundation
import IASRuntime

/// The event envelope of the contract: a CloudEvents 1.0 event in structured JSON mode.
/// Extension attributes carry what CloudEvents has no field for (data version, correlation,
/// causation, actor). Within one `dataversion` a payload only ever gains optional fields.
public struct EventEnvelope: Codable, Sendable, Equatable {
    public static let contentType = "application/cloudevents+json; charset=UTF-8"

    public var specversion: String = "1.0"
    public var id: Identifier
    /// `<service>.<EventName>`, e.g. `intake.PersonRegistered`.
    public var type: String
    /// `/ias/<service>` or `/partner/<name>`.
    public var source: String
    /// The case id: also the Kafka record key, so that a case's events stay in order.
    public var subject: String
    public var time: Date
    public var datacontenttype: String = "application/json"
    public var dataversion: Int
    public var correlationid: Identifier
    public var causationid: Identifier?
    public var actorsub: String
    public var actororg: String
    public var data: JSONValue

    public init(id: Identifier = Identifier(), type: String, source: String, subject: String, time: Date = Date(),
                dataversion: Int = 1, correlationid: Identifier, causationid: Identifier? = nil,
                actorsub: String, actororg: String, data: JSONValue) {
        self.id = id; self.type = type; self.source = source; self.subject = subject; self.time = time
        self.dataversion = dataversion; self.correlationid = correlationid; self.causationid = causationid
        self.actorsub = actorsub; self.actororg = actororg; self.data = data
    }

    /// Builds an envelope from a typed payload.
    public init<Payload: EventPayload>(_ payload: Payload, subject: String, actor: Actor,
                                       correlationid: Identifier, causationid: Identifier? = nil) throws {
        self.init(type: Payload.eventType, source: Payload.source, subject: subject,
                  dataversion: Payload.dataVersion, correlationid: correlationid, causationid: causationid,
                  actorsub: actor.subject, actororg: actor.organisation, data: try JSONValue(encoding: payload))
    }

    /// Decodes `data` into the payload type this envelope announces.
    public func payload<Payload: EventPayload>(_ type: Payload.Type) throws -> Payload {
        guard self.type == Payload.eventType else {
            throw EventRejected("event \(id) has type \(self.type), not \(Payload.eventType)")
        }
        guard dataversion == Payload.dataVersion else {
            throw EventRejected("event \(id) of type \(self.type) has unsupported dataversion \(dataversion)")
        }
        do { return try data.decode(Payload.self) } catch {
            throw EventRejected("event \(id) of type \(self.type): data does not match: \(JSONCoding.explain(error))")
        }
    }

    public func encoded() throws -> [UInt8] { try JSONCoding.encode(self) }

    /// Reads an envelope from the wire.
    public static func decode(_ bytes: [UInt8]) throws -> EventEnvelope {
        let envelope: EventEnvelope
        do {
            envelope = try JSONCoding.decode(EventEnvelope.self, from: bytes)
        } catch {
            throw EventRejected("not a valid event envelope: \(JSONCoding.explain(error))")
        }
        guard envelope.specversion == "1.0" else { throw EventRejected("unsupported specversion \(envelope.specversion)") }
        guard !envelope.subject.isEmpty else { throw EventRejected("event \(envelope.id) has an empty subject") }
        return envelope
    }

    /// As the synthesized one, but `datacontenttype` may be absent (CloudEvents makes it optional).
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(id: try c.decode(Identifier.self, forKey: .id), type: try c.decode(String.self, forKey: .type),
                  source: try c.decode(String.self, forKey: .source), subject: try c.decode(String.self, forKey: .subject),
                  time: try c.decode(Date.self, forKey: .time), dataversion: try c.decode(Int.self, forKey: .dataversion),
                  correlationid: try c.decode(Identifier.self, forKey: .correlationid),
                  causationid: try c.decodeIfPresent(Identifier.self, forKey: .causationid),
                  actorsub: try c.decode(String.self, forKey: .actorsub), actororg: try c.decode(String.self, forKey: .actororg),
                  data: try c.decode(JSONValue.self, forKey: .data))
        specversion = try c.decode(String.self, forKey: .specversion)
        datacontenttype = try c.decodeIfPresent(String.self, forKey: .datacontenttype) ?? datacontenttype
    }
}

/// Who caused an event or a request: the token's subject and organisation.
public struct Actor: Sendable, Equatable {
    public let subject: String
    public let organisation: String
    public init(subject: String, organisation: String) { self.subject = subject; self.organisation = organisation }
    public static let system = Actor(subject: "system", organisation: "system")
}

/// A typed event payload: its wire type, its source and its version.
public protocol EventPayload: Codable, Sendable {
    static var eventType: String { get }
    static var source: String { get }
    static var dataVersion: Int { get }
}

extension EventPayload {
    public static var dataVersion: Int { 1 }
}

/// A message that can never be processed, whatever is retried: it goes to the dead-letter
/// topic with this reason and consumption continues.
public struct EventRejected: Error, CustomStringConvertible {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}
