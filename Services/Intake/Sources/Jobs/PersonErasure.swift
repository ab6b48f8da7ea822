import IASPostgres
import IASRuntime
import IASServiceKit

/// Intake's part of the erasure at the end of retention: the person (name, birth date, ZEMIS
/// number, …) and the history of responsibility are deleted, so that neither the searches nor
/// the duplicate checks find them again. The allocation lists keep only their counts.
enum PersonErasure {
    static let erasure = CaseErasure(due: { closedOnOrBefore, limit, c in
        try c.query("""
            SELECT case_id FROM persons WHERE closed_on <= $1 ORDER BY closed_on, case_id LIMIT $2 FOR UPDATE SKIP LOCKED
            """, [closedOnOrBefore, limit]).map { try $0.identifier("case_id") }
    }, erase: { caseId, c in
        try c.execute("DELETE FROM responsibility_transfers WHERE case_id = $1", [caseId])
            + c.execute("DELETE FROM persons WHERE case_id = $1", [caseId])
    })
}
