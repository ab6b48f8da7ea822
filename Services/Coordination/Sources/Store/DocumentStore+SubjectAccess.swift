import IASPostgres
import IASRuntime

extension DocumentStore {
    /// Every document of the case, withdrawn ones included, oldest first: the person's export
    /// names them all.
    static func all(caseId: Identifier, on c: PostgresConnection) throws -> [DocumentRecord] {
        try records(try c.query("""
            SELECT \(DocumentRecord.columns) FROM documents d
            JOIN document_versions v ON v.document_id = d.document_id AND v.version = d.current_version
            WHERE d.case_id = $1 ORDER BY d.added_at, d.document_id
            """, [caseId]))
    }
}
