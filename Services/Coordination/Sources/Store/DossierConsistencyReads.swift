import IASPostgres
import IASServiceKit

/// What `ias-admin check-consistency` reads of coordination: its dossiers and timeline.
public enum DossierConsistencyReads {
    public static func dossiers(_ c: PostgresConnection, _ scope: ConsistencyScope) throws -> [ScopedId] {
        try c.query("""
            SELECT case_id::text AS id, ($1::timestamptz IS NULL OR registered_at >= $1::timestamptz) AS in_scope FROM cases
            """, [scope.since]).map { ScopedId(id: try $0.string("id"), inScope: try $0.bool("in_scope")) }
    }

    /// Event id → case id of every timeline row.
    public static func timeline(_ c: PostgresConnection) throws -> [String: String] {
        var result: [String: String] = [:]
        for row in try c.query("SELECT event_id::text AS event_id, case_id FROM timeline") {
            result[try row.string("event_id")] = try row.string("case_id")
        }
        return result
    }

    /// The documents' storage as recorded: ids of versions whose sealed chunks are not exactly
    /// 0 … chunk_count-1 (content not erased), of documents whose case has no key, and of
    /// documents of a case coordination does not know. The content itself is not opened.
    public static func documentFaults(_ c: PostgresConnection) throws -> (documents: Int, chunksWrong: [String], keyMissing: [String], caseUnknown: [String]) {
        let documents = try c.query("SELECT count(*) AS n FROM documents")[0].int("n")
        let chunksWrong = try c.query("""
            SELECT v.document_id::text || '/' || v.version AS id FROM document_versions v
            LEFT JOIN document_chunks k ON k.document_id = v.document_id AND k.version = v.version
            WHERE v.content_erased_at IS NULL
            GROUP BY v.document_id, v.version, v.chunk_count
            HAVING count(k.seq) <> v.chunk_count OR coalesce(min(k.seq), -1) <> 0 OR coalesce(max(k.seq), -1) <> v.chunk_count - 1
            """).map { try $0.string("id") }
        let keyMissing = try c.query("""
            SELECT DISTINCT d.case_id::text AS id FROM documents d LEFT JOIN case_keys k ON k.case_id = d.case_id WHERE k.case_id IS NULL
            """).map { try $0.string("id") }
        let caseUnknown = try c.query("""
            SELECT d.document_id::text AS id FROM documents d LEFT JOIN cases c ON c.case_id = d.case_id WHERE c.case_id IS NULL
            """).map { try $0.string("id") }
        return (documents, chunksWrong, keyMissing, caseUnknown)
    }
}
