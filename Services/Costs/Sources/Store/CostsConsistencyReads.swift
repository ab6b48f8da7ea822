import IASPostgres
import IASServiceKit

public struct BudgetFigures {
    public let caseId: String
    public let committed: Int
    public let spent: Int
    public let granted: Int
    public let charged: Int
}

public struct ApprovalSummary {
    public var granted = false
    public var rejected = false
    public init(granted: Bool = false, rejected: Bool = false) { self.granted = granted; self.rejected = rejected }
}

/// What `ias-admin check-consistency` reads of costs: budgets against their approvals and charges.
public enum CostsConsistencyReads {
    /// Each budget's figures beside the sums they must equal: committed = granted lump-sum
    /// approvals, spent = charges against lump-sum approvals.
    public static func budgets(_ c: PostgresConnection, _ scope: ConsistencyScope) throws -> [BudgetFigures] {
        try c.query("""
            SELECT b.case_id::text AS case_id, b.committed_rappen, b.spent_rappen,
                   coalesce((SELECT sum(a.granted_rappen) FROM approvals a
                             WHERE a.case_id = b.case_id AND a.funding_source = 'lump_sum'
                               AND a.status IN ('granted', 'partially_granted')), 0) AS granted,
                   coalesce((SELECT sum(ch.amount_rappen) FROM charges ch JOIN approvals a ON a.approval_id = ch.approval_id
                             WHERE a.case_id = b.case_id AND a.funding_source = 'lump_sum'), 0) AS charged
            FROM budgets b WHERE ($1::timestamptz IS NULL OR b.created_at >= $1::timestamptz)
            """, [scope.since]).map {
            BudgetFigures(caseId: try $0.string("case_id"), committed: try $0.int("committed_rappen"), spent: try $0.int("spent_rappen"),
                          granted: try $0.int("granted"), charged: try $0.int("charged"))
        }
    }

    /// Approvals whose charges exceed the grant, differ from the approval's charged sum, or
    /// were booked against an approval that is not granted; and how many approvals were looked at.
    public static func chargeViolations(_ c: PostgresConnection, _ scope: ConsistencyScope) throws -> (violations: [String], approvals: Int) {
        let rows = try c.query("""
            SELECT a.approval_id::text AS approval_id,
                   coalesce(sum(ch.amount_rappen), 0) AS charges, a.charged_rappen, a.granted_rappen, a.status,
                   count(ch.charge_id) AS n
            FROM approvals a LEFT JOIN charges ch ON ch.approval_id = a.approval_id
            WHERE ($1::timestamptz IS NULL OR a.requested_at >= $1::timestamptz)
            GROUP BY a.approval_id
            """, [scope.since])
        var violations: [String] = []
        for row in rows {
            let charges = try row.int("charges")
            let granted = try row.int("granted_rappen")
            let recorded = try row.int("charged_rappen")
            let count = try row.int("n")
            let isGranted = ["granted", "partially_granted"].contains(try row.string("status"))
            if charges != recorded || charges > granted || (count > 0 && !isGranted) {
                violations.append(try row.string("approval_id"))
            }
        }
        return (violations, rows.count)
    }

    /// Measure id → whether any approval of it was granted (fully or partly) and whether any was rejected.
    public static func approvalsByMeasure(_ c: PostgresConnection) throws -> [String: ApprovalSummary] {
        var result: [String: ApprovalSummary] = [:]
        for row in try c.query("""
            SELECT measure_id::text AS measure_id, bool_or(status IN ('granted', 'partially_granted')) AS granted,
                   bool_or(status = 'rejected') AS rejected
            FROM approvals GROUP BY measure_id
            """) {
            result[try row.string("measure_id")] = ApprovalSummary(granted: try row.bool("granted"), rejected: try row.bool("rejected"))
        }
        return result
    }
}
