import IASPostgres
import IASRuntime
import IASServiceKit

/// Coordination's part of the erasure at the end of retention. First the case's anonymous
/// contribution to the indicators is kept (`IndicatorContributions`); then the case key is
/// destroyed and the sealed chunks deleted, so that its documents cannot be read by anyone,
/// and the dossier (person, timeline, responsibility, assessments, target groups, plan,
/// measures, costs, reports), the tasks, consents, referrals and document descriptions are
/// deleted. The audit trail stays under its own rule (it names ids, no personal data).
enum CaseDataErasure {
    /// Coordination knows its cases from the dossier (`cases`), not from a case registry.
    static let erasure = CaseErasure(due: { closedOnOrBefore, limit, c in
        try c.query("""
            SELECT case_id FROM cases WHERE closed_on <= $1 ORDER BY closed_on, case_id LIMIT $2 FOR UPDATE SKIP LOCKED
            """, [closedOnOrBefore, limit]).map { try $0.identifier("case_id") }
    }, erase: { caseId, c in
        if let member = try IndicatorFacts.member(caseId, on: c) {
            try IndicatorContributions.add(Indicators.contributions(of: member, erasedOn: CalendarDate.today()),
                                           entryYear: member.enteredOn.year, on: c)
        }
        try DocumentVault.destroyCaseKey(caseId, on: c)
        let documents = "SELECT document_id FROM documents WHERE case_id = $1"
        var rows = try c.execute("DELETE FROM document_chunks WHERE document_id IN (\(documents))", [caseId])
        rows += try c.execute("DELETE FROM document_versions WHERE document_id IN (\(documents))", [caseId])
        rows += try c.execute("DELETE FROM documents WHERE case_id = $1", [caseId])
        rows += try c.execute("DELETE FROM timeline WHERE case_id = $1", [caseId.description])
        for table in ["responsibility_history", "assessments", "target_groups", "measures", "approvals", "budgets", "final_reports",
                      "deviations", "plans", "tasks", "consents", "referrals", "cases"] {
            // The table names are this list's, never input.
            rows += try c.execute("DELETE FROM \(table) WHERE case_id = $1", [caseId])
        }
        return rows
    })
}
