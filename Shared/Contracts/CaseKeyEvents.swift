import IASMessaging
import IASRuntime

// The case keys that seal the personal data of intake's events (`PersonalDataSeal`), on the
// compacted topic `Topics.caseKeys` with the case id as record key: compaction keeps the last
// record of a case, so once a key is destroyed the topic no longer holds it.

/// A case key sealed under a master key of `IAS_CASE_KEY_MASTER_KEYS`, as it travels and is kept.
public struct WrappedCaseKey: Codable, Sendable, Equatable {
    /// Which master key of the ring wrapped it.
    public var masterKeyId: String
    /// nonce ‖ encrypted key ‖ tag, base64.
    public var sealed: String

    public init(masterKeyId: String, sealed: String) {
        self.masterKeyId = masterKeyId; self.sealed = sealed
    }
}

/// `intake.CaseKeyIssued` — the key of a case, issued by intake with the registration (before
/// `PersonRegistered`, in the same transaction). Every service keeps it to open the sealed
/// personal data of the case's events.
public struct CaseKeyIssued: EventPayload, Equatable {
    public static let eventType = "intake.CaseKeyIssued"
    public static let source = "/ias/intake"

    public var caseId: Identifier
    /// Named by the sealed events (`personal.keyId`).
    public var keyId: Identifier
    public var wrappedKey: WrappedCaseKey

    public init(caseId: Identifier, keyId: Identifier, wrappedKey: WrappedCaseKey) {
        self.caseId = caseId; self.keyId = keyId; self.wrappedKey = wrappedKey
    }
}

/// `intake.CaseKeyDestroyed` — intake erased the case at the end of its retention: every
/// service deletes the key, and the sealed personal data of the case's events can no longer be read.
public struct CaseKeyDestroyed: EventPayload, Equatable {
    public static let eventType = "intake.CaseKeyDestroyed"
    public static let source = "/ias/intake"

    public var caseId: Identifier

    public init(caseId: Identifier) { self.caseId = caseId }
}
