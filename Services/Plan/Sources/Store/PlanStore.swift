import Foundation
import IASContracts
import IASMessaging
import IASPostgres
import IASRuntime
import IASServiceKit

/// SQL of the plan service; every statement is parameterised.
enum PlanStore {
    // MARK: Plans

    /// The case's plan, locked until the end of the transaction: writes to one case serialise.
    static func lockPlan(caseId: Identifier, on c: PostgresConnection) throws -> PlanRow? {
        try c.query("SELECT \(PlanRow.columns) FROM plans WHERE case_id = $1 FOR UPDATE", [caseId]).first.map(PlanRow.init)
    }

    static func findPlan(caseId: Identifier, on c: PostgresConnection) throws -> PlanRow? {
        try c.query("SELECT \(PlanRow.columns) FROM plans WHERE case_id = $1", [caseId]).first.map(PlanRow.init)
    }

    static func insertPlan(planId: Identifier, caseId: Identifier, targetGroup: TargetGroup, pathway: String, catalogVersion: String,
                           deferred: [String], on c: PostgresConnection) throws -> PlanRow {
        let rows = try c.query("""
            INSERT INTO plans (plan_id, case_id, status, target_group, pathway, catalog_version, deferred_steps)
            VALUES ($1, $2, 'draft', $3, $4, $5, $6::jsonb) RETURNING \(PlanRow.columns)
            """, [planId, caseId, targetGroup.rawValue, pathway, catalogVersion, try PostgresJSON(deferred)])
        return try PlanRow(row: rows[0])
    }

    /// Writes the changeable columns of a locked plan and bumps its version (the ETag).
    @discardableResult
    static func update(_ p: PlanRow, on c: PostgresConnection) throws -> PlanRow {
        let rows = try c.query("""
            UPDATE plans SET status = $2, target_group = $3, pathway = $4, catalog_version = $5, deferred_steps = $6::jsonb,
                   signed_on = $7, goals = $8::jsonb, review_every_months = $9, next_review_due = $10, overdue_flagged_for = $11,
                   version = version + 1, updated_at = now()
            WHERE plan_id = $1 RETURNING \(PlanRow.columns)
            """, [p.planId, p.status.rawValue, p.targetGroup.rawValue, p.pathway, p.catalogVersion, try PostgresJSON(p.deferredSteps),
                  p.signedOn, try PostgresJSON(p.goals), p.reviewEveryMonths, p.nextReviewDue, p.overdueFlaggedFor])
        return try PlanRow(row: rows[0])
    }

    // MARK: Measures

    /// A measure as planned and published (`MeasurePlanned`), and where it stands now.
    struct MeasureRow: PublishedRecord, Sendable, RowDecodable {
        var published: MeasurePlanned
        var kept: Progress

        struct Progress: Codable, Sendable {
            var grantedRappen: Int?
            var status: MeasureStatus
            var origin: String
        }
    }

    static func insertMeasure(_ e: MeasurePlanned, origin: String, on c: PostgresConnection) throws {
        try c.execute("""
            INSERT INTO measures (measure_id, plan_id, case_id, catalog_code, field_of_action, funding_source, partner, provider,
                                  starts_on, ends_on, estimated_cost_rappen, status, origin)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'planned', $12)
            """, [e.measureId, e.planId, e.caseId, e.catalogCode, e.fieldOfAction, e.fundingSource.rawValue, e.partner, e.provider,
                  e.startsOn, e.endsOn, e.estimatedCostRappen, origin])
    }

    static func measures(planId: Identifier, on c: PostgresConnection) throws -> [MeasureRow] {
        try c.query("SELECT \(MeasureView.columns) FROM measures WHERE plan_id = $1 ORDER BY starts_on, created_at, measure_id",
                     [planId]).map(MeasureRow.init)
    }

    static func lockMeasure(_ measureId: Identifier, on c: PostgresConnection) throws -> MeasureRow? {
        try c.query("SELECT \(MeasureView.columns) FROM measures WHERE measure_id = $1 FOR UPDATE", [measureId]).first.map(MeasureRow.init)
    }

    static func setStatus(_ measureId: Identifier, from: MeasureStatus?, to: MeasureStatus, on date: CalendarDate, reason: String?,
                          actorOrg: String, on c: PostgresConnection) throws {
        try c.execute("UPDATE measures SET status = $2, updated_at = now() WHERE measure_id = $1", [measureId, to.rawValue])
        try recordMove(measureId, from: from, to: to, on: date, reason: reason, actorOrg: actorOrg, on: c)
    }

    static func recordMove(_ measureId: Identifier, from: MeasureStatus?, to: MeasureStatus, on date: CalendarDate, reason: String?,
                           actorOrg: String, on c: PostgresConnection) throws {
        try c.execute("""
            INSERT INTO measure_history (measure_id, from_status, to_status, on_date, reason, actor_org) VALUES ($1, $2, $3, $4, $5, $6)
            """, [measureId, from?.rawValue, to.rawValue, date, reason, actorOrg])
    }

    static func setGranted(_ measureId: Identifier, rappen: Int, on c: PostgresConnection) throws {
        try c.execute("UPDATE measures SET granted_rappen = $2, updated_at = now() WHERE measure_id = $1", [measureId, rappen])
    }

    // MARK: Reviews, deviations, reports

    static func insertReview(_ r: ReviewView, planId: Identifier, on c: PostgresConnection) throws {
        try c.execute("""
            INSERT INTO reviews (review_id, plan_id, held_on, outcome, notes, next_review_due, actor_org) VALUES ($1, $2, $3, $4, $5, $6, $7)
            """, [r.reviewId, planId, r.heldOn, r.outcome.rawValue, r.notes, r.nextReviewDue, r.byOrg])
    }

    static func insertDeviation(_ d: DeviationView, planId: Identifier, on c: PostgresConnection) throws {
        try c.execute("""
            INSERT INTO deviations (deviation_id, plan_id, kind, measure_id, on_date, reason) VALUES ($1, $2, $3, $4, $5, $6)
            """, [d.deviationId, planId, d.kind.rawValue, d.measureId, d.on, d.reason])
    }

    /// Inserts the report unless the same transfer already produced one; true when inserted.
    static func insertFinalReport(_ r: FinalReport, causeEvent: Identifier, on c: PostgresConnection) throws -> Bool {
        try c.execute("""
            INSERT INTO final_reports (report_id, plan_id, case_id, issued_on, from_org, to_org, cause_event, snapshot)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb) ON CONFLICT (cause_event) DO NOTHING
            """, [r.reportId, r.planId, r.caseId, r.issuedOn, r.fromOrg, r.toOrg, causeEvent, try PostgresJSON(r.plan)]) == 1
    }

    static func finalReport(caseId: Identifier, reportId: Identifier, on c: PostgresConnection) throws -> FinalReport? {
        try c.query("""
            SELECT report_id, case_id, plan_id, issued_on, from_org, to_org, snapshot AS plan FROM final_reports WHERE case_id = $1 AND report_id = $2
            """, [caseId, reportId]).first.map(FinalReport.init)
    }

    static func finalReports(caseId: Identifier, after: Identifier?, limit: Int, on c: PostgresConnection) throws -> [FinalReportSummary] {
        try c.query("""
            SELECT report_id, issued_on, from_org, to_org FROM final_reports
            WHERE case_id = $1 AND ($2::uuid IS NULL OR report_id > $2) ORDER BY report_id LIMIT $3
            """, [caseId, after, limit]).map(FinalReportSummary.init)
    }

    // MARK: The whole plan

    static func view(of p: PlanRow, catalog: Catalog, on c: PostgresConnection) throws -> PlanView {
        var moves: [Identifier: [MeasureMove]] = [:]
        for row in try c.query("""
            SELECT h.measure_id, h.from_status AS "from", h.to_status AS "to", h.on_date AS "on", h.reason, h.actor_org AS by_org
            FROM measure_history h JOIN measures m ON m.measure_id = h.measure_id WHERE m.plan_id = $1 ORDER BY h.id
            """, [p.planId]) {
            moves[try row.identifier("measure_id"), default: []].append(try MeasureMove(row: row))
        }
        let measures = try Self.measures(planId: p.planId, on: c).map { m in
            MeasureView(measureId: m.measureId, catalogCode: m.catalogCode, name: catalog.measure(m.catalogCode)?.nameDe ?? m.catalogCode,
                        fieldOfAction: m.fieldOfAction, fundingSource: m.fundingSource, partner: m.partner, provider: m.provider,
                        startsOn: m.startsOn, endsOn: m.endsOn, estimatedCostRappen: m.estimatedCostRappen, grantedRappen: m.grantedRappen,
                        status: m.status, origin: m.origin, history: moves[m.measureId] ?? [])
        }
        let reviews = try c.query("""
            SELECT review_id, held_on, outcome, notes, next_review_due, actor_org AS by_org FROM reviews WHERE plan_id = $1 ORDER BY held_on, recorded_at
            """, [p.planId]).map(ReviewView.init)
        let deviations = try c.query("""
            SELECT deviation_id, kind, measure_id, on_date AS "on", reason FROM deviations WHERE plan_id = $1 ORDER BY recorded_at, deviation_id
            """, [p.planId]).map(DeviationView.init)
        let reports = try c.query("""
            SELECT report_id, issued_on, from_org, to_org FROM final_reports WHERE plan_id = $1 ORDER BY created_at, report_id
            """, [p.planId]).map(FinalReportSummary.init)
        let agreement = p.signedOn.map { AgreementView(signedOn: $0, reviewEveryMonths: p.reviewEveryMonths ?? 0) }
        return PlanView(planId: p.planId, caseId: p.caseId, status: p.status, targetGroup: p.targetGroup, pathway: p.pathway,
                        catalogVersion: p.catalogVersion, deferredSteps: p.deferredSteps, agreement: agreement, goals: p.goals,
                        nextReviewDue: p.nextReviewDue, measures: measures, reviews: reviews, deviations: deviations,
                        finalReports: reports, version: p.version)
    }

    // MARK: Overdue reviews

    /// Active plans whose review is overdue and not yet flagged for this due date; skipped when
    /// another instance holds them.
    static func lockOverdue(today: CalendarDate, limit: Int, on c: PostgresConnection) throws -> [PlanRow] {
        try c.query("""
            SELECT \(PlanRow.columns) FROM plans
            WHERE status = 'active' AND next_review_due < $1 AND overdue_flagged_for IS DISTINCT FROM next_review_due
            ORDER BY next_review_due LIMIT $2 FOR UPDATE SKIP LOCKED
            """, [today, limit]).map(PlanRow.init)
    }
}
