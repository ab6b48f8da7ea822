import IASPostgres
import IASRuntime
import IASServiceKit

/// Costs' part of the erasure at the end of retention: the budget, the measures known to it,
/// the approvals and their charges are deleted.
enum CaseDataErasure {
    static let erasure = CaseErasure.fromCaseRegistry { caseId, c in
        try c.execute("DELETE FROM charges WHERE approval_id IN (SELECT approval_id FROM approvals WHERE case_id = $1)", [caseId])
            + c.execute("DELETE FROM approvals WHERE case_id = $1", [caseId])
            + c.execute("DELETE FROM measures WHERE case_id = $1", [caseId])
            + c.execute("DELETE FROM budgets WHERE case_id = $1", [caseId])
    }
}
