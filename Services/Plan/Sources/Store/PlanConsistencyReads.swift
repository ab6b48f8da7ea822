import IASPostgres
import IASServiceKit

public struct MeasureState {
    public let measureId: String
    public let status: String
    public let settled: Bool
}

/// What `ias-admin check-consistency` reads of the plan: the measures that need a cost approval.
public enum PlanConsistencyReads {
    /// Plan measures that need a cost approval (funded by the lump sum or another source).
    public static func measuresNeedingApproval(_ c: PostgresConnection, _ scope: ConsistencyScope) throws -> [MeasureState] {
        try c.query("""
            SELECT measure_id::text AS measure_id, status, updated_at < now() - make_interval(secs => $2::float8) AS settled
            FROM measures WHERE funding_source IN ('lump_sum', 'other') AND ($1::timestamptz IS NULL OR created_at >= $1::timestamptz)
            """, [scope.since, scope.graceSeconds]).map {
            MeasureState(measureId: try $0.string("measure_id"), status: try $0.string("status"), settled: try $0.bool("settled"))
        }
    }
}
