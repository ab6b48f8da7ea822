import IASPostgres
import IASRuntime
import IASServiceKit

/// Plan's part of the erasure at the end of retention: the plan with its measures, their
/// history, reviews, deviations and final reports are deleted.
enum CaseDataErasure {
    static let erasure = CaseErasure.fromCaseRegistry { caseId, c in
        let plans = "SELECT plan_id FROM plans WHERE case_id = $1"
        return try c.execute("DELETE FROM measure_history WHERE measure_id IN (SELECT measure_id FROM measures WHERE case_id = $1)", [caseId])
            + c.execute("DELETE FROM reviews WHERE plan_id IN (\(plans))", [caseId])
            + c.execute("DELETE FROM deviations WHERE plan_id IN (\(plans))", [caseId])
            + c.execute("DELETE FROM final_reports WHERE plan_id IN (\(plans)) OR case_id = $1", [caseId])
            + c.execute("DELETE FROM measures WHERE case_id = $1", [caseId])
            + c.execute("DELETE FROM plans WHERE case_id = $1", [caseId])
    }
}
