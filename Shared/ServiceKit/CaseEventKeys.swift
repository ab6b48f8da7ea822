import Foundation
import IASContracts
import IASCrypto
import IASMessaging
import IASPostgres
import IASRuntime

/// The case keys that seal the personal data of intake's events (`PersonalDataSeal`), kept by
/// every service in `case_event_keys` (component "retention"): intake issues them at
/// registration, the others take them from `Topics.caseKeys` (`subscription`). Kept wrapped
/// under the suite's master key ring (`IAS_CASE_KEY_MASTER_KEYS`) and unwrapped per event.
public enum CaseEventKeys {
    /// The consumer of the key topic in every service but intake.
    public static let consumer = "case-keys"

    /// What a service holds of a case's key.
    public enum Stored: Equatable {
        /// Not (yet) arrived.
        case missing
        case key(keyId: Identifier, wrapped: WrappedKey)
        /// Destroyed at the end of the case's retention.
        case destroyed
    }

    /// An event whose key has not arrived yet: not `EventRejected`, so the event processor
    /// retries it (holding back only its partition) until the key topic's consumer stored it.
    public struct KeyPending: Error, CustomStringConvertible {
        public let caseId: Identifier
        public var description: String { "the case key of \(caseId) has not arrived yet (\(Topics.caseKeys))" }
    }

    /// Reads the ring from `IAS_CASE_KEY_MASTER_KEYS` or `IAS_CASE_KEY_MASTER_KEYS_FILE`;
    /// a problem is reported with the service's others.
    public static func readRing(from reader: ConfigurationReader) -> MasterKeyRing? {
        MasterKeyRing.load(inline: reader.string("IAS_CASE_KEY_MASTER_KEYS", default: ""),
                           file: reader.string("IAS_CASE_KEY_MASTER_KEYS_FILE", default: ""),
                           variables: .caseKeys, reportingTo: reader)
    }

    /// `schema`: where the table is, for a reader whose search path leads elsewhere (the dossier rebuild).
    public static func stored(_ caseId: Identifier, schema: String? = nil, on c: PostgresConnection) throws -> Stored {
        let table = schema.map { "\($0).case_event_keys" } ?? "case_event_keys"
        return try stored(c.query("SELECT true AS known, key_id, master_key_id, wrapped_key FROM \(table) WHERE case_id = $1", [caseId]).first)
    }

    /// What a consumer must know of an event's case before its handler runs, in one round trip
    /// (a pipeline): it waits for an erasure of the case under way (`ErasedCases`' shared lock),
    /// then reads whether the case is erased here and what this service holds of its key. The
    /// consumer's transaction is READ COMMITTED, so the read's snapshot is taken after the lock
    /// and sees the erasure's commit.
    static func lockAndRead(_ caseId: Identifier, on c: PostgresConnection) throws -> (erased: Bool, key: Stored) {
        let results = try c.query([ErasedCases.sharedLock(caseId), PostgresStatement("""
            SELECT EXISTS (SELECT 1 FROM erased_cases WHERE case_id = $1) AS erased,
                   k.case_id IS NOT NULL AS known, k.key_id, k.master_key_id, k.wrapped_key
            FROM (SELECT 1) AS one LEFT JOIN case_event_keys k ON k.case_id = $1
            """, [caseId])])
        guard let row = results.last?.first else { throw PostgresError(kind: .query, message: "the case's state returned no row") }
        return (try row.bool("erased"), try stored(row))
    }

    /// A row of `case_event_keys` (nil, or `known` false: none).
    private static func stored(_ row: PostgresRow?) throws -> Stored {
        guard let row, try row.bool("known") else { return .missing }
        guard let masterKeyId = try row.optionalString("master_key_id"), let keyId = try row.optionalUUID("key_id") else { return .destroyed }
        return .key(keyId: Identifier(keyId), wrapped: try WrappedKey(masterKeyId: masterKeyId, sealed: try row.bytes("wrapped_key")))
    }

    /// Keeps an issued key; a key destroyed before (a replay of the topic) stays destroyed.
    public static func store(_ issued: CaseKeyIssued, on c: PostgresConnection) throws {
        guard let sealed = SealedBox.serialized(base64: issued.wrappedKey.sealed) else {
            throw EventRejected("the wrapped key of case \(issued.caseId) is not base64")
        }
        let wrapped: WrappedKey
        do { wrapped = try WrappedKey(masterKeyId: issued.wrappedKey.masterKeyId, sealed: sealed) } catch {
            throw EventRejected("the wrapped key of case \(issued.caseId) cannot be one: \(error)")
        }
        try c.execute("""
            INSERT INTO case_event_keys (case_id, key_id, master_key_id, wrapped_key) VALUES ($1, $2, $3, $4)
            ON CONFLICT (case_id) DO NOTHING
            """, [issued.caseId, issued.keyId, wrapped.masterKeyId, wrapped.sealed.serialized])
    }

    /// Destroys the case's key (kept: the case id and when, see the migration). The number of
    /// keys destroyed (0 or 1).
    @discardableResult
    public static func destroy(_ caseId: Identifier, on c: PostgresConnection) throws -> Int {
        try c.execute("""
            INSERT INTO case_event_keys (case_id, destroyed_at) VALUES ($1, now())
            ON CONFLICT (case_id) DO UPDATE SET key_id = NULL, master_key_id = NULL, wrapped_key = NULL,
                destroyed_at = COALESCE(case_event_keys.destroyed_at, now())
            """, [caseId])
        return 1
    }

    /// The event as handlers read it: intake's sealed personal data opened with the case's key
    /// (other events as they are). Nil when the case's key was destroyed by intake's erasure: the
    /// case is past its retention, and its events are skipped (a replay from the start: without
    /// the registration, its other events would only leave fragments). Throws `KeyPending`
    /// (retried) while the key has not arrived, `EventRejected` for a seal that never opens.
    public static func open(_ envelope: EventEnvelope, ring: MasterKeyRing, schema: String? = nil,
                            on c: PostgresConnection) throws -> EventEnvelope? {
        guard let caseId = Identifier(envelope.subject) else { return envelope }
        return try open(envelope, caseId: caseId, stored: stored(caseId, schema: schema, on: c), ring: ring)
    }

    /// `open` with what this service holds of the case's key read already.
    static func open(_ envelope: EventEnvelope, caseId: Identifier, stored: Stored, ring: MasterKeyRing) throws -> EventEnvelope? {
        if stored == .destroyed { return nil }
        guard PersonalDataSeal.isSealed(envelope) else { return envelope }
        guard case .key(let keyId, let wrapped) = stored else { throw KeyPending(caseId: caseId) }
        let personal = try PersonalDataSeal.personal(of: envelope)
        guard personal.keyId == keyId else {
            throw EventRejected("event \(envelope.id) is sealed under key \(personal.keyId), but the key of case \(caseId) is \(keyId)")
        }
        do {
            return try PersonalDataSeal.open(envelope, key: unwrap(wrapped, caseId: caseId, ring: ring))
        } catch let error as CryptoError {
            // A master key missing from the ring is configuration to mend (retried); a seal that does not open never will.
            if case .unknownMasterKey = error { throw error }
            throw EventRejected("event \(envelope.id): its personal data does not open with the key of case \(caseId): \(error)")
        }
    }

    /// Deletes what this service holds of the case's key, destruction included: its own erasure
    /// of the case, after which `erased_cases` skips the case's events. The rows deleted.
    static func forget(_ caseId: Identifier, on c: PostgresConnection) throws -> Int {
        try c.execute("DELETE FROM case_event_keys WHERE case_id = $1", [caseId])
    }

    /// The case key of `wrapped` under `ring`.
    static func unwrap(_ wrapped: WrappedKey, caseId: Identifier, ring: MasterKeyRing) throws -> SymmetricKey {
        try KeyWrapping.unwrap(wrapped, context: context(caseId), with: ring)
    }

    /// A new key for the case, kept here and described by the event that carries it to the others.
    static func issue(_ caseId: Identifier, ring: MasterKeyRing, on c: PostgresConnection) throws -> (key: SymmetricKey, event: CaseKeyIssued) {
        let key = SymmetricKey.generate()
        let wrapped = try KeyWrapping.wrap(caseKey: key, context: context(caseId), with: ring)
        let event = CaseKeyIssued(caseId: caseId, keyId: Identifier(), wrappedKey: WrappedCaseKey(
            masterKeyId: wrapped.masterKeyId, sealed: wrapped.sealed.base64))
        try store(event, on: c)
        return (key, event)
    }

    /// The shared subscription of the key topic: keys are kept, destructions delete them.
    /// Nothing is kept of a case this service erased (its erasure deleted the key already).
    static func subscription() -> EventSubscription {
        EventSubscription(name: consumer, topics: [Topics.caseKeys]) { envelope, c in
            if let caseId = Identifier(envelope.subject), try ErasedCases.lockShared(caseId, on: c) { return }
            switch envelope.type {
            case CaseKeyIssued.eventType:
                try store(try envelope.payload(CaseKeyIssued.self), on: c)
            case CaseKeyDestroyed.eventType:
                try destroy(try envelope.payload(CaseKeyDestroyed.self).caseId, on: c)
            default:
                throw EventRejected("event \(envelope.id) of type \(envelope.type) does not belong on \(Topics.caseKeys)")
            }
        }
    }

    /// Binds a wrapped key to its case and to events (the document keys of coordination have
    /// a context of their own): moved to another case's row, it does not unwrap.
    static func context(_ caseId: Identifier) -> String { "ias-event-case-key:\(caseId)" }
}
