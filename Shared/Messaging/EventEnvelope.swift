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
            throw EventRejected("event \(id) of type \(self.type): data does not match: \(DecodingDiagnostics.describe(error))")
        }
    }

    public func encoded() throws -> [UInt8] { Array(try JSONCoding.encoder.encode(self)) }

    /// Reads an envelope from the wire. Parsed by hand (JSONParser): this runs for every
    /// event every consumer takes, and the generic decoder was the larger part of its cost.
    public static func decode(_ bytes: [UInt8]) throws -> EventEnvelope {
        let envelope: EventEnvelope
        do {
            guard case .object(let members) = try JSONParser.parse(bytes) else { throw EnvelopeShape("not a JSON object") }
            envelope = try EventEnvelope(members: members)
        } catch let error as JSONParser.Failure {
            throw EventRejected("not a valid event envelope: \(error)")
        } catch let error as EnvelopeShape {
            throw EventRejected("not a valid event envelope: \(error.reason)")
        }
        guard envelope.specversion == "1.0" else { throw EventRejected("unsupported specversion \(envelope.specversion)") }
        guard !envelope.subject.isEmpty else { throw EventRejected("event \(envelope.id) has an empty subject") }
        return envelope
    }

    private struct EnvelopeShape: Error {
        let reason: String
        init(_ reason: String) { self.reason = reason }
    }

    private init(members m: [String: JSONValue]) throws {
        func text(_ key: String) throws -> String {
            guard let value = m[key] else { throw EnvelopeShape("required field missing: \(key)") }
            guard case .string(let s) = value else { throw EnvelopeShape("\(key) must be a string") }
            return s
        }
        func identifier(_ key: String) throws -> Identifier {
            guard let id = Identifier(try text(key)) else { throw EnvelopeShape("\(key) must be a UUID") }
            return id
        }
        guard case .number(let version)? = m["dataversion"], version == version.rounded(), abs(version) < 1e9 else {
            throw EnvelopeShape(m["dataversion"] == nil ? "required field missing: dataversion" : "dataversion must be a whole number")
        }
        guard let time = Timestamp.parse(try text("time")) else { throw EnvelopeShape("time must be an RFC 3339 timestamp") }
        guard let data = m["data"] else { throw EnvelopeShape("required field missing: data") }
        var causation: Identifier?
        if let value = m["causationid"], value != .null {
            guard case .string(let s) = value, let id = Identifier(s) else { throw EnvelopeShape("causationid must be a UUID") }
            causation = id
        }
        self.init(id: try identifier("id"), type: try text("type"), source: try text("source"), subject: try text("subject"),
                  time: time, dataversion: Int(version), correlationid: try identifier("correlationid"), causationid: causation,
                  actorsub: try text("actorsub"), actororg: try text("actororg"), data: data)
        specversion = try text("specversion")
        if m["datacontenttype"] != nil { datacontenttype = try text("datacontenttype") }
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

/// Turns decoding errors into a sentence naming the field, without echoing values.
public enum DecodingDiagnostics {
    public static func describe(_ error: Error) -> String {
        guard let error = error as? DecodingError else { return "malformed JSON" }
        func path(_ p: [CodingKey]) -> String {
            let text = p.map { $0.intValue.map { "[\($0)]" } ?? "." + $0.stringValue }.joined()
            return text.hasPrefix(".") ? String(text.dropFirst()) : (text.isEmpty ? "(root)" : text)
        }
        switch error {
        case .keyNotFound(let key, let ctx): return "\(path(ctx.codingPath + [key])): required field missing"
        case .typeMismatch(_, let ctx): return "\(path(ctx.codingPath)): wrong type"
        case .valueNotFound(_, let ctx): return "\(path(ctx.codingPath)): must not be null"
        case .dataCorrupted(let ctx):
            return ctx.codingPath.isEmpty ? "malformed JSON" : "\(path(ctx.codingPath)): \(ctx.debugDescription)"
        @unknown default: return "malformed JSON"
        }
    }
}
