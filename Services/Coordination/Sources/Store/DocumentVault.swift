import Foundation
import IASCrypto
import IASPostgres
import IASRuntime
import IASServiceKit

/// The content of documents, encrypted at rest: AES-256-GCM in chunks under a key per case,
/// the case key stored only wrapped by the active master key (`MasterKeyRing`). Nothing here
/// writes plaintext to the database or to a log.
///
/// Chunks are sealed one by one (`ChunkedSealing`), each authenticated with its document,
/// version, index and whether it is the last, so that none can be swapped, dropped or cut off
/// unseen, and an upload is sealed without a second copy of the whole document.
struct DocumentVault: Sendable {
    let ring: MasterKeyRing
    let chunkSize: Int

    init(ring: MasterKeyRing, chunkSize: Int = 512 * 1024) {
        self.ring = ring
        self.chunkSize = chunkSize
    }

    /// What `seal` stored.
    struct Sealed {
        let sizeBytes: Int
        let sha256: String
        let chunkCount: Int
    }

    // MARK: Case keys

    /// The case's key, created (and wrapped under the active master key) on first use when
    /// `create`; nil when the case has none yet. Refused when the key was destroyed.
    func caseKey(_ caseId: Identifier, create: Bool, on c: PostgresConnection) throws -> SymmetricKey? {
        if let key = try storedKey(caseId, on: c) { return key }
        guard create else { return nil }
        let key = SymmetricKey.generate()
        let wrapped = try KeyWrapping.wrap(caseKey: key, context: Self.context(caseId), with: ring)
        // A concurrent first upload of the same case may have won: then its key is the case's.
        try c.execute("""
            INSERT INTO case_keys (case_id, master_key_id, wrapped_key) VALUES ($1, $2, $3) ON CONFLICT (case_id) DO NOTHING
            """, [caseId, wrapped.masterKeyId, wrapped.sealed.serialized])
        return try storedKey(caseId, on: c)
    }

    private func storedKey(_ caseId: Identifier, on c: PostgresConnection) throws -> SymmetricKey? {
        guard let row = try c.query("SELECT master_key_id, wrapped_key, destroyed_at FROM case_keys WHERE case_id = $1", [caseId]).first else {
            return nil
        }
        if let destroyed = try row.optionalDate("destroyed_at") {
            throw Refusal.gone("the documents of this case were erased on \(CalendarDate(utcDayOf: destroyed)): its key was destroyed")
        }
        let wrapped = try WrappedKey(masterKeyId: try row.string("master_key_id"), sealed: try row.bytes("wrapped_key"))
        return try KeyWrapping.unwrap(wrapped, context: Self.context(caseId), with: ring)
    }

    /// Destroys the case's key: every document of the case becomes unreadable for good. The
    /// erasure at the end of the retention period uses this; the sealed chunks are deleted too.
    static func destroyCaseKey(_ caseId: Identifier, on c: PostgresConnection) throws {
        try c.execute("""
            UPDATE case_keys SET master_key_id = NULL, wrapped_key = NULL, destroyed_at = now()
            WHERE case_id = $1 AND destroyed_at IS NULL
            """, [caseId])
        try c.execute("""
            DELETE FROM document_chunks WHERE document_id IN (SELECT document_id FROM documents WHERE case_id = $1)
            """, [caseId])
        try c.execute("""
            UPDATE document_versions SET content_erased_at = now()
            WHERE content_erased_at IS NULL AND document_id IN (SELECT document_id FROM documents WHERE case_id = $1)
            """, [caseId])
    }

    /// Re-wraps up to `limit` case keys that are not under the active master key; the number
    /// re-wrapped (0 when every key is under the active one). Run after adding a new first key.
    func rewrap(limit: Int, on c: PostgresConnection) throws -> Int {
        let rows = try c.query("""
            SELECT case_id, master_key_id, wrapped_key FROM case_keys
            WHERE wrapped_key IS NOT NULL AND master_key_id <> $1 ORDER BY case_id LIMIT $2 FOR UPDATE SKIP LOCKED
            """, [ring.activeKeyId, limit])
        for row in rows {
            let caseId = try row.identifier("case_id")
            let old = try WrappedKey(masterKeyId: try row.string("master_key_id"), sealed: try row.bytes("wrapped_key"))
            let new = try KeyWrapping.rewrap(old, context: Self.context(caseId), with: ring)
            try c.execute("UPDATE case_keys SET master_key_id = $2, wrapped_key = $3, rewrapped_at = now() WHERE case_id = $1",
                          [caseId, new.masterKeyId, new.sealed.serialized])
        }
        return rows.count
    }

    /// Case keys per master key id (the rotation's progress).
    static func keysByMasterKey(on c: PostgresConnection) throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for row in try c.query("SELECT master_key_id, count(*) AS n FROM case_keys WHERE wrapped_key IS NOT NULL GROUP BY 1") {
            counts[try row.string("master_key_id")] = try row.int("n")
        }
        return counts
    }

    /// Binds a wrapped key to its case: moved to another case's row, it does not unwrap.
    private static func context(_ caseId: Identifier) -> String { "ias-case-key:\(caseId)" }

    // MARK: Content

    /// Seals `content` chunk by chunk into `document_chunks`; only one sealed chunk is in
    /// memory at a time beside the content.
    func seal(_ content: ArraySlice<UInt8>, documentId: Identifier, version: Int, key: SymmetricKey,
              on c: PostgresConnection) throws -> Sealed {
        var hasher = SHA256Hasher()
        hasher.update(content)
        var index = 0
        try ChunkedSealing.seal(content, key: key, prefix: Self.prefix(documentId, version), chunkSize: chunkSize) { sealed in
            try c.execute("INSERT INTO document_chunks (document_id, version, seq, sealed) VALUES ($1, $2, $3, $4)",
                          [documentId, version, index, sealed.serialized])
            index += 1
        }
        return Sealed(sizeBytes: content.count, sha256: Hex.encode(hasher.finalize()), chunkCount: index)
    }

    /// The plaintext of a stored version: its chunks read one by one and each checked (index,
    /// last or not) before its bytes are used; a missing or extra chunk is damage, never served.
    func open(documentId: Identifier, version: DocumentVersion, key: SymmetricKey, on c: PostgresConnection) throws -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(version.sizeBytes)
        var opener = ChunkOpener(key: key, prefix: Self.prefix(documentId, version.version))
        for index in 0..<version.chunkCount {
            guard let row = try c.query("SELECT sealed FROM document_chunks WHERE document_id = $1 AND version = $2 AND seq = $3",
                                        [documentId, version.version, index]).first else {
                throw DocumentContentDamaged("chunk \(index) of \(version.chunkCount) of document \(documentId) version \(version.version) is missing")
            }
            out += try opener.open(try SealedBox(serialized: try row.bytes("sealed")), isFinal: index == version.chunkCount - 1)
        }
        try opener.finish()
        guard out.count == version.sizeBytes else {
            throw DocumentContentDamaged("document \(documentId) version \(version.version) holds \(out.count) bytes, \(version.sizeBytes) recorded")
        }
        return out
    }

    /// The authenticated prefix of every chunk: the document's id and the version.
    private static func prefix(_ documentId: Identifier, _ version: Int) -> [UInt8] {
        Array("\(documentId)/\(version)".utf8)
    }
}

/// Stored content that does not match its record: never served, reported as a server fault.
struct DocumentContentDamaged: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
