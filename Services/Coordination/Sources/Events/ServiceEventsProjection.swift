import Foundation
import IASContracts
import IASMessaging
import IASPostgres
import IASRuntime
import IASServiceKit

/// The dossier's view of assessment, plan and costs events, and the tasks and referrals they
/// start (only in `.live` mode). Each service publishes a case's events in order on one partition; across services
/// there is no order, so every handler works whichever of two related events comes first.
enum ServiceEventsProjection {
    static func apply(_ envelope: EventEnvelope, cause: Cause, mode: ProjectionMode, rules: TaskRules, on c: PostgresConnection) throws {
        switch envelope.type {
        case AssessmentCompleted.eventType:
            let e = try envelope.payload(AssessmentCompleted.self)
            let l = e.languageLevels
            try c.execute("""
                INSERT INTO assessments (assessment_id, case_id, kind, held_on, listening, speaking, reading, writing, literate,
                                         school_years, vocational_years, health_restriction, childcare_duties)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) ON CONFLICT (assessment_id) DO NOTHING
                """, [e.assessmentId, e.caseId, e.kind.rawValue, e.heldOn, l.listening.rawValue, l.speaking.rawValue, l.reading.rawValue,
                      l.writing.rawValue, e.literate, e.schoolYears, e.vocationalYears, e.healthRestriction.rawValue, e.childcareDuties])
            try mode.coordinationWork { try TaskPrompts.assessmentCompleted(e, cause: cause, on: c) }
        case TargetGroupAssigned.eventType:
            let e = try envelope.payload(TargetGroupAssigned.self)
            try c.execute("""
                INSERT INTO target_groups (event_id, case_id, target_group, pathway, decided_on, age_at_decision, assessment_id,
                                           rule_set_version, rule_id, override_reason, potential_assessment_due, occurred_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT DO NOTHING
                """, [envelope.id, e.caseId, e.targetGroup.rawValue, e.pathway, e.decidedOn, e.ageAtDecision, e.assessmentId,
                      e.ruleSetVersion, e.ruleId, e.overrideReason, e.potentialAssessmentDue, envelope.time])
            try mode.coordinationWork { try TaskPrompts.targetGroupAssigned(e, rules: rules, cause: cause, on: c) }
        case PlanDrafted.eventType, AgreementSigned.eventType, MeasurePlanned.eventType, MeasureStatusChanged.eventType,
             PlanDeviationFlagged.eventType, PlanReviewed.eventType, FinalReportIssued.eventType:
            try plan(envelope, cause: cause, mode: mode, rules: rules, on: c)
        case BudgetOpened.eventType, CostApprovalRequested.eventType, CostApprovalDecided.eventType, ChargeBooked.eventType,
             BudgetThresholdReached.eventType:
            try costs(envelope, cause: cause, mode: mode, rules: rules, on: c)
        case StatusMeetingRecorded.eventType:
            // The timeline shows the meeting; it answers the status-meeting prompt.
            let e = try envelope.payload(StatusMeetingRecorded.self)
            try mode.coordinationWork { try TaskPrompts.statusMeetingRecorded(e, cause: cause, on: c) }
        default:
            break   // Types this version does not know: the timeline shows them.
        }
    }

    // MARK: Plan

    private static func plan(_ envelope: EventEnvelope, cause: Cause, mode: ProjectionMode, rules: TaskRules, on c: PostgresConnection) throws {
        switch envelope.type {
        case PlanDrafted.eventType:
            let e = try envelope.payload(PlanDrafted.self)
            try c.execute("""
                INSERT INTO plans (case_id, plan_id, target_group, pathway) VALUES ($1, $2, $3, $4)
                ON CONFLICT (case_id) DO UPDATE SET plan_id = EXCLUDED.plan_id, target_group = EXCLUDED.target_group,
                                                    pathway = EXCLUDED.pathway
                """, [e.caseId, e.planId, e.targetGroup.rawValue, e.pathway])
        case AgreementSigned.eventType:
            let e = try envelope.payload(AgreementSigned.self)
            try c.execute("""
                UPDATE plans SET agreement_signed_on = $2, goal_count = $3, review_every_months = $4, next_review_due = $5
                WHERE case_id = $1
                """, [e.caseId, e.signedOn, e.goalCount, e.reviewEveryMonths, e.nextReviewDue])
            try mode.coordinationWork { try TaskPrompts.agreementSigned(e, cause: cause, on: c) }
        case MeasurePlanned.eventType:
            let e = try envelope.payload(MeasurePlanned.self)
            try c.execute("""
                INSERT INTO measures (measure_id, case_id, plan_id, catalog_code, field_of_action, funding_source, partner, provider,
                                      starts_on, ends_on, estimated_cost_rappen)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (measure_id) DO NOTHING
                """, [e.measureId, e.caseId, e.planId, e.catalogCode, e.fieldOfAction, e.fundingSource.rawValue, e.partner, e.provider,
                      e.startsOn, e.endsOn, e.estimatedCostRappen])
            if e.partner != nil {
                try mode.coordinationWork { try ReferralDispatcher.considerAutomatic(measureId: e.measureId, cause: cause, on: c) }
            }
        case MeasureStatusChanged.eventType:
            let e = try envelope.payload(MeasureStatusChanged.self)
            try c.execute("""
                UPDATE measures SET status = $2, status_on = $3,
                       started_on = CASE WHEN $2 IN ('started', 'completed') THEN COALESCE(started_on, $3::date) ELSE started_on END,
                       completed_on = CASE WHEN $2 = 'completed' THEN $3::date ELSE completed_on END
                WHERE measure_id = $1
                """, [e.measureId, e.to.rawValue, e.on])
            try mode.coordinationWork { try TaskPrompts.measureStatusChanged(e, cause: cause, on: c) }
            // The follow-up task comes from PlanDeviationFlagged: a measure dropped because the
            // plan was re-drafted for a new target group is not a deviation and needs no task.
        case PlanDeviationFlagged.eventType:
            let e = try envelope.payload(PlanDeviationFlagged.self)
            try c.execute("""
                INSERT INTO deviations (event_id, case_id, kind, measure_id, flagged_on) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING
                """, [envelope.id, e.caseId, e.kind.rawValue, e.measureId, e.on])
            try mode.coordinationWork {
                switch e.kind {
                case .interrupted, .dropped:
                    try measureFollowUp(caseId: e.caseId, measureId: e.measureId, on: e.on, rules: rules, cause: cause, c)
                case .reviewOverdue:
                    try TaskStore.open(caseId: e.caseId, kind: .overdueReview, assignee: try CaseSnapshot.responsibleOrg(e.caseId, on: c),
                                       subjectRef: e.planId.description, dueOn: rules[.overdueReview].dueOn(from: e.on), cause: cause, on: c)
                }
            }
        case PlanReviewed.eventType:
            let e = try envelope.payload(PlanReviewed.self)
            try c.execute("""
                UPDATE plans SET last_review_on = $2, last_review_outcome = $3, next_review_due = COALESCE($4::date, next_review_due)
                WHERE case_id = $1
                """, [e.caseId, e.heldOn, e.outcome.rawValue, e.nextReviewDue])
            try mode.coordinationWork {
                try TaskStore.completeOpen(caseId: e.caseId, kind: .overdueReview, subjectRef: e.planId.description,
                                           outcome: "review_held", cause: cause, on: c)
                try TaskPrompts.planReviewed(e, cause: cause, on: c)
            }
        case FinalReportIssued.eventType:
            let e = try envelope.payload(FinalReportIssued.self)
            try c.execute("""
                INSERT INTO final_reports (report_id, case_id, plan_id, issued_on, from_org, to_org) VALUES ($1, $2, $3, $4, $5, $6)
                ON CONFLICT DO NOTHING
                """, [e.reportId, e.caseId, e.planId, e.issuedOn, e.fromOrg, e.toOrg])
        default:
            break
        }
    }

    /// One follow-up task per interrupted or dropped measure, however many events report it.
    private static func measureFollowUp(caseId: Identifier, measureId: Identifier?, on day: CalendarDate, rules: TaskRules,
                                        cause: Cause, _ c: PostgresConnection) throws {
        try TaskStore.open(caseId: caseId, kind: .measureFollowUp, assignee: try CaseSnapshot.responsibleOrg(caseId, on: c),
                           subjectRef: measureId?.description ?? "plan", dueOn: rules[.measureFollowUp].dueOn(from: day), cause: cause,
                           on: c)
    }

    // MARK: Costs

    private static func costs(_ envelope: EventEnvelope, cause: Cause, mode: ProjectionMode, rules: TaskRules, on c: PostgresConnection) throws {
        switch envelope.type {
        case BudgetOpened.eventType:
            let e = try envelope.payload(BudgetOpened.self)
            try c.execute("""
                INSERT INTO budgets (case_id, lump_sum_rappen, opened_on) VALUES ($1, $2, $3) ON CONFLICT (case_id) DO NOTHING
                """, [e.caseId, e.lumpSumRappen, e.openedOn])
        case CostApprovalRequested.eventType:
            let e = try envelope.payload(CostApprovalRequested.self)
            try c.execute("""
                INSERT INTO approvals (approval_id, case_id, measure_id, requested_rappen, requested_by_org) VALUES ($1, $2, $3, $4, $5)
                ON CONFLICT (approval_id) DO UPDATE SET requested_rappen = EXCLUDED.requested_rappen,
                                                        requested_by_org = EXCLUDED.requested_by_org
                """, [e.approvalId, e.caseId, e.measureId, e.amountRappen, e.requestedByOrg])
            // The canton decides cost approvals; the task is done when the decision arrives.
            try mode.coordinationWork {
                try TaskStore.open(caseId: e.caseId, kind: .costDecision, assignee: "canton:KSD", subjectRef: e.approvalId.description,
                                   dueOn: rules[.costDecision].dueOn(from: CalendarDate(utcDayOf: envelope.time)), cause: cause, on: c)
            }
        case CostApprovalDecided.eventType:
            let e = try envelope.payload(CostApprovalDecided.self)
            try c.execute("""
                INSERT INTO approvals (approval_id, case_id, measure_id, decision, granted_rappen, funding_source, decided_on)
                VALUES ($1, $2, $3, $4, $5, $6, $7)
                ON CONFLICT (approval_id) DO UPDATE SET decision = EXCLUDED.decision, granted_rappen = EXCLUDED.granted_rappen,
                                                        funding_source = EXCLUDED.funding_source, decided_on = EXCLUDED.decided_on
                """, [e.approvalId, e.caseId, e.measureId, e.decision.rawValue, e.grantedRappen, e.fundingSource.rawValue, e.decidedOn])
            try mode.coordinationWork {
                try TaskStore.completeOpen(caseId: e.caseId, kind: .costDecision, subjectRef: e.approvalId.description,
                                           outcome: e.decision.rawValue, cause: cause, on: c)
                try TaskPrompts.costDecided(e, rules: rules, cause: cause, on: c)
                if e.decision != .rejected {
                    try ReferralDispatcher.considerAutomatic(measureId: e.measureId, cause: cause, on: c)
                }
            }
        case ChargeBooked.eventType:
            let e = try envelope.payload(ChargeBooked.self)
            try c.execute("""
                INSERT INTO approvals (approval_id, case_id, measure_id, charged_rappen) VALUES ($1, $2, $3, $4)
                ON CONFLICT (approval_id) DO UPDATE SET charged_rappen = approvals.charged_rappen + EXCLUDED.charged_rappen
                """, [e.approvalId, e.caseId, e.measureId, e.amountRappen])
        case BudgetThresholdReached.eventType:
            let e = try envelope.payload(BudgetThresholdReached.self)
            try c.execute("UPDATE budgets SET threshold_reached_percent = GREATEST(COALESCE(threshold_reached_percent, 0), $2) WHERE case_id = $1",
                          [e.caseId, e.thresholdPercent])
        default:
            break
        }
    }
}
