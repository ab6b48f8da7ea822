import Foundation
import IASCrypto
import IASMessaging
import IASRuntime

/// The personal fields of intake's events sealed with the case key (AES-256-GCM), so that the
/// topics, which are kept without time limit, hold nothing readable of a person once the key
/// is destroyed at the end of the case's retention (crypto-shredding).
///
/// Wire form: the fields listed in `personalFields` are taken out of `data` and sealed together
/// as one JSON object of the same shape (`{"changes": {"givenName": …}}` for a correction) into
/// `data.personal = {"keyId": <uuid>, "sealed": <base64 nonce ‖ ciphertext ‖ tag>}`, and the
/// envelope's `dataversion` becomes 2. The associated data binds the seal to the case id (the
/// subject) and the event type: copied into another case's or type's event it does not open.
/// Opened, the envelope is the dataversion 1 event again, which the payload types read; events
/// written before the sealing (dataversion 1) are read as they are.
public enum PersonalDataSeal {
    public static let sealedVersion = 2
    public static let plainVersion = 1
    public static let member = "personal"

    /// The personal fields of each sealed event type, as paths into `data`. The free text of a
    /// duplicate override may name the person too.
    public static let personalFields: [String: [[String]]] = [
        PersonRegistered.eventType: [["zemisNumber"], ["givenName"], ["familyName"], ["dateOfBirth"], ["duplicateOverrideReason"]],
        PersonDataCorrected.eventType: [["changes", "zemisNumber"], ["changes", "givenName"], ["changes", "familyName"],
                                        ["changes", "dateOfBirth"]],
    ]

    /// `data.personal` of a sealed event.
    public struct Personal: Codable, Sendable, Equatable {
        public var keyId: Identifier
        public var sealed: String
    }

    /// True for the types whose personal fields are sealed.
    public static func appliesTo(_ eventType: String) -> Bool { personalFields[eventType] != nil }

    /// True when `envelope` carries sealed personal data.
    public static func isSealed(_ envelope: EventEnvelope) -> Bool {
        envelope.dataversion == sealedVersion && appliesTo(envelope.type)
    }

    /// The seal of a sealed event; `EventRejected` when it has none that can be read.
    public static func personal(of envelope: EventEnvelope) throws -> Personal {
        guard let value = envelope.data[member], let personal = try? value.decode(Personal.self) else {
            throw EventRejected("event \(envelope.id) of type \(envelope.type) (dataversion \(envelope.dataversion)) has no readable \(member) member")
        }
        return personal
    }

    /// `envelope` (dataversion 1) with its personal fields sealed under `key`; an event of a
    /// type without personal fields is returned as it is.
    public static func seal(_ envelope: EventEnvelope, key: SymmetricKey, keyId: Identifier) throws -> EventEnvelope {
        guard let paths = personalFields[envelope.type], envelope.dataversion == plainVersion else { return envelope }
        var data = envelope.data
        var overlay = JSONValue.object([:])
        for path in paths {
            if let value = remove(path, from: &data) { set(value, at: path, in: &overlay) }
        }
        let sealed = try AESGCM.seal(try JSONCoding.encode(overlay), key: key, aad: associatedData(envelope))
        guard case .object(var members) = data else { throw EventRejected("event \(envelope.id): data is not an object") }
        members[member] = try JSONValue(encoding: Personal(keyId: keyId, sealed: sealed.base64))
        var result = envelope
        result.data = .object(members)
        result.dataversion = sealedVersion
        return result
    }

    /// The dataversion 1 event of a sealed one. `CryptoError.authenticationFailed` when `key`
    /// is not the case's key or the seal was moved to another case or type; `EventRejected`
    /// when the seal is malformed.
    public static func open(_ envelope: EventEnvelope, key: SymmetricKey) throws -> EventEnvelope {
        guard isSealed(envelope) else { return envelope }
        let personal = try personal(of: envelope)
        guard let bytes = SealedBox.serialized(base64: personal.sealed), let box = try? SealedBox(serialized: bytes) else {
            throw EventRejected("event \(envelope.id): \(member).sealed is not a sealed box in base64")
        }
        // Not wiped after: the opened fields become the event's data anyway.
        let plaintext = try AESGCM.open(box, key: key, aad: associatedData(envelope))
        let overlay: JSONValue
        do { overlay = try JSONParser.parse(plaintext) } catch {
            throw EventRejected("event \(envelope.id): the sealed personal data is not JSON")
        }
        guard case .object(var members) = envelope.data else { throw EventRejected("event \(envelope.id): data is not an object") }
        members[member] = nil
        var result = envelope
        result.data = merge(overlay, into: .object(members))
        result.dataversion = plainVersion
        return result
    }

    /// The associated data of a seal: the case id (subject) and the event type.
    static func associatedData(_ envelope: EventEnvelope) -> [UInt8] {
        Array("ias.event-personal.v1|\(envelope.subject)|\(envelope.type)".utf8)
    }

    private static func remove(_ path: [String], from value: inout JSONValue) -> JSONValue? {
        guard let first = path.first, case .object(var members) = value, let child = members[first] else { return nil }
        if path.count == 1 {
            members[first] = nil
            value = .object(members)
            return child
        }
        var inner = child
        let removed = remove(Array(path.dropFirst()), from: &inner)
        members[first] = inner
        value = .object(members)
        return removed
    }

    private static func set(_ new: JSONValue, at path: [String], in value: inout JSONValue) {
        guard let first = path.first, case .object(var members) = value else { return }
        if path.count == 1 {
            members[first] = new
        } else {
            var inner = members[first] ?? .object([:])
            set(new, at: Array(path.dropFirst()), in: &inner)
            members[first] = inner
        }
        value = .object(members)
    }

    /// `overlay`'s members put into `base`, objects merged member by member.
    private static func merge(_ overlay: JSONValue, into base: JSONValue) -> JSONValue {
        guard case .object(let add) = overlay, case .object(var members) = base else { return overlay }
        for (name, value) in add { members[name] = members[name].map { merge(value, into: $0) } ?? value }
        return .object(members)
    }
}
