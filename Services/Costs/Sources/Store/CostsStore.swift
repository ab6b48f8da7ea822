import Foundation
import IASContracts
import IASMessaging
import IASPostgres
import IASRuntime
import IASServiceKit

/// SQL of the costs service; every statement is parameterised. Lock order, everywhere: the
/// approval first, then the budget — so that two writers never wait for each other in a circle.
enum CostsStore {
    // MARK: Budgets

    /// Opens the budget once; true when this call opened it.
    static func openBudget(caseId: Identifier, lumpSum: Int, openedOn: CalendarDate, on c: PostgresConnection) throws -> Bool {
        try c.execute("""
            INSERT INTO budgets (case_id, lump_sum_rappen, opened_on) VALUES ($1, $2, $3) ON CONFLICT (case_id) DO NOTHING
            """, [caseId, lumpSum, openedOn]) == 1
    }

    static let budgetColumns = "case_id, lump_sum_rappen, committed_rappen, spent_rappen, opened_on, threshold_reached_at IS NOT NULL AS threshold_reached"

    static func lockBudget(caseId: Identifier, on c: PostgresConnection) throws -> BudgetRow? {
        try c.query("SELECT \(budgetColumns) FROM budgets WHERE case_id = $1 FOR UPDATE", [caseId]).first.map(BudgetRow.init)
    }

    static func budget(caseId: Identifier, on c: PostgresConnection) throws -> BudgetRow? {
        try c.query("SELECT \(budgetColumns) FROM budgets WHERE case_id = $1", [caseId]).first.map(BudgetRow.init)
    }

    static func commit(caseId: Identifier, rappen: Int, thresholdReached: Bool, on c: PostgresConnection) throws {
        try c.execute("""
            UPDATE budgets SET committed_rappen = committed_rappen + $2,
                   threshold_reached_at = CASE WHEN $3 AND threshold_reached_at IS NULL THEN now() ELSE threshold_reached_at END,
                   updated_at = now()
            WHERE case_id = $1
            """, [caseId, rappen, thresholdReached])
    }

    static func spend(caseId: Identifier, rappen: Int, on c: PostgresConnection) throws {
        try c.execute("UPDATE budgets SET spent_rappen = spent_rappen + $2, updated_at = now() WHERE case_id = $1", [caseId, rappen])
    }

    // MARK: Measures

    static func rememberMeasure(_ e: MeasurePlanned, on c: PostgresConnection) throws {
        try c.execute("""
            INSERT INTO measures (measure_id, case_id, plan_id, catalog_code, funding_source, partner, estimated_cost_rappen)
            VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (measure_id) DO NOTHING
            """, [e.measureId, e.caseId, e.planId, e.catalogCode, e.fundingSource.rawValue, e.partner, e.estimatedCostRappen])
    }

    static func setMeasureStatus(_ measureId: Identifier, _ status: MeasureStatus, on c: PostgresConnection) throws {
        try c.execute("UPDATE measures SET status = $2 WHERE measure_id = $1", [measureId, status.rawValue])
    }

    static func measure(_ measureId: Identifier, on c: PostgresConnection) throws -> KnownMeasure? {
        try c.query("SELECT measure_id, case_id, catalog_code, funding_source FROM measures WHERE measure_id = $1", [measureId]).first.map { row in
            KnownMeasure(measureId: try row.identifier("measure_id"), caseId: try row.identifier("case_id"),
                         catalogCode: try row.string("catalog_code"), fundingSource: try row.enumValue("funding_source"))
        }
    }

    // MARK: Approvals

    static func insertApproval(id: Identifier, caseId: Identifier, measureId: Identifier, rappen: Int, justification: String,
                               actor: Actor, on c: PostgresConnection) throws {
        try c.execute("""
            INSERT INTO approvals (approval_id, case_id, measure_id, requested_rappen, justification, requested_by_org, requested_by_sub, status)
            VALUES ($1, $2, $3, $4, $5, $6, $7, 'requested')
            """, [id, caseId, measureId, rappen, justification, actor.organisation, actor.subject])
    }

    static func approval(_ id: Identifier, lock: Bool = false, on c: PostgresConnection) throws -> ApprovalRecord? {
        try c.query("""
            SELECT \(ApprovalRecord.columns) FROM approvals a JOIN measures m ON m.measure_id = a.measure_id
            WHERE a.approval_id = $1 \(lock ? "FOR UPDATE OF a" : "")
            """, [id]).first.map(ApprovalRecord.init)
    }

    static func decide(_ id: Identifier, status: ApprovalStatus, granted: Int, funding: FundingSource, reason: String, actor: Actor,
                       on date: CalendarDate, on c: PostgresConnection) throws {
        try c.execute("""
            UPDATE approvals SET status = $2, granted_rappen = $3, funding_source = $4, decision_reason = $5, decided_by_org = $6,
                   decided_by_sub = $7, decided_on = $8, version = version + 1
            WHERE approval_id = $1
            """, [id, status.rawValue, granted, funding.rawValue, reason, actor.organisation, actor.subject, date])
    }

    static func approvals(caseId: Identifier, on c: PostgresConnection) throws -> [ApprovalRecord] {
        try c.query("""
            SELECT \(ApprovalRecord.columns) FROM approvals a JOIN measures m ON m.measure_id = a.measure_id
            WHERE a.case_id = $1 ORDER BY a.requested_at, a.approval_id
            """, [caseId]).map(ApprovalRecord.init)
    }

    /// Keyset pagination by approval id; the canton's work list of pending requests uses `status`.
    /// `municipality` limits the list to the cases it (or its delegate) is responsible for.
    static func search(status: ApprovalStatus?, caseId: Identifier?, municipality: Int?, after: Identifier?, limit: Int,
                       on c: PostgresConnection) throws -> [ApprovalRecord] {
        try c.query("""
            SELECT \(ApprovalRecord.columns) FROM approvals a JOIN measures m ON m.measure_id = a.measure_id
            LEFT JOIN case_registry r ON r.case_id = a.case_id
            WHERE ($1::text IS NULL OR a.status = $1) AND ($2::uuid IS NULL OR a.approval_id > $2) AND ($4::uuid IS NULL OR a.case_id = $4)
              AND ($5::text IS NULL OR r.responsible_org = 'municipality:' || $5 OR r.responsible_org LIKE 'delegate:%:' || $5)
            ORDER BY a.approval_id LIMIT $3
            """, [status?.rawValue, after, limit, caseId, municipality.map(String.init)]).map(ApprovalRecord.init)
    }

    // MARK: Charges

    static func insertCharge(_ charge: ChargeRecord, approvalId: Identifier, on c: PostgresConnection) throws -> Bool {
        let inserted = try c.execute("""
            INSERT INTO charges (charge_id, approval_id, amount_rappen, invoice_ref, booked_on, booked_by_org)
            VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (approval_id, invoice_ref) DO NOTHING
            """, [charge.chargeId, approvalId, charge.amountRappen, charge.invoiceRef, charge.bookedOn, charge.bookedByOrg]) == 1
        if inserted {
            try c.execute("UPDATE approvals SET charged_rappen = charged_rappen + $2, version = version + 1 WHERE approval_id = $1",
                          [approvalId, charge.amountRappen])
        }
        return inserted
    }

    static func charges(approvalId: Identifier, on c: PostgresConnection) throws -> [ChargeRecord] {
        try c.query("""
            SELECT charge_id, amount_rappen, invoice_ref, booked_on, booked_by_org FROM charges WHERE approval_id = $1 ORDER BY created_at, charge_id
            """, [approvalId]).map { row in
            ChargeRecord(chargeId: try row.identifier("charge_id"), amountRappen: try row.int("amount_rappen"),
                         invoiceRef: try row.string("invoice_ref"), bookedOn: try row.calendarDate("booked_on"), bookedByOrg: try row.string("booked_by_org"))
        }
    }
}
