import IASPostgres
import IASServiceKit

/// What `ias-admin check-consistency` reads of intake: the cases it has registered.
public enum IntakeConsistencyReads {
    public static func persons(_ c: PostgresConnection, _ scope: ConsistencyScope) throws -> [ScopedId] {
        try c.query("""
            SELECT case_id::text AS id, ($1::timestamptz IS NULL OR created_at >= $1::timestamptz) AS in_scope,
                   created_at < now() - make_interval(secs => $2::float8) AS settled
            FROM persons
            """, [scope.since, scope.graceSeconds]).map {
            ScopedId(id: try $0.string("id"), inScope: try $0.bool("in_scope"), settled: try $0.bool("settled"))
        }
    }
}
