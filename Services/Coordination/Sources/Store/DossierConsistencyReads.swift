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
}
