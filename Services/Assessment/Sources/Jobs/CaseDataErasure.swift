import IASPostgres
import IASRuntime
import IASServiceKit

/// Assessment's part of the erasure at the end of retention: the status meetings, assessments
/// and target-group decisions of the case are deleted.
enum CaseDataErasure {
    static let erasure = CaseErasure.fromCaseRegistry { caseId, c in
        try c.execute("DELETE FROM target_group_assignments WHERE case_id = $1", [caseId])
            + c.execute("DELETE FROM assessments WHERE case_id = $1", [caseId])
            + c.execute("DELETE FROM status_meetings WHERE case_id = $1", [caseId])
    }
}
