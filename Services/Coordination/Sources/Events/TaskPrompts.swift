import Foundation
import IASContracts
import IASMessaging
import IASPostgres
import IASRuntime
import IASServiceKit

/// The prompts that events open and close: the next step of the process as a task for the
/// office responsible for the case now, due by the task rules. Called only in `.live` mode,
/// inside the event's transaction, so a redelivered event (inbox) opens nothing twice; every
/// opening first asks whether the step is done already, because events of different
/// services arrive in no particular order.
enum TaskPrompts {
    // MARK: After a regularisation

    static func regularized(_ e: StatusRegularized, rules: TaskRules, cause: Cause, on c: PostgresConnection) throws {
        let responsible = try CaseSnapshot.responsibleOrg(e.caseId, on: c)
        let subject = "regularization@\(e.decidedOn)"
        if !(try statusMeetingHeld(e.caseId, since: e.decidedOn, on: c)) {
            try TaskStore.open(caseId: e.caseId, kind: .statusMeeting, assignee: responsible, subjectRef: subject,
                               dueOn: rules[.statusMeeting].dueOn(from: e.decidedOn), cause: cause, on: c)
        }
        if !(try assessmentHeld(e.caseId, kind: .short, since: e.decidedOn, on: c)) {
            try TaskStore.open(caseId: e.caseId, kind: .shortAssessment, assignee: responsible, subjectRef: subject,
                               dueOn: rules[.shortAssessment].dueOn(from: e.decidedOn), cause: cause, on: c)
        }
    }

    static func statusMeetingRecorded(_ e: StatusMeetingRecorded, cause: Cause, on c: PostgresConnection) throws {
        try TaskStore.completeOpen(caseId: e.caseId, kind: .statusMeeting, outcome: "meeting_held", cause: cause, on: c)
    }

    static func assessmentCompleted(_ e: AssessmentCompleted, cause: Cause, on c: PostgresConnection) throws {
        let kind: TaskKind = e.kind == .short ? .shortAssessment : .potentialAssessment
        try TaskStore.completeOpen(caseId: e.caseId, kind: kind, outcome: "assessment_held", cause: cause, on: c)
    }

    // MARK: After triage

    static func targetGroupAssigned(_ e: TargetGroupAssigned, rules: TaskRules, cause: Cause, on c: PostgresConnection) throws {
        let responsible = try CaseSnapshot.responsibleOrg(e.caseId, on: c)
        let subject = "triage@\(e.decidedOn)"
        let potential = rules[.potentialAssessment]
        if e.potentialAssessmentDue, potential.ages?.contains(e.ageAtDecision) ?? true,
           !(try assessmentHeld(e.caseId, kind: .potential, since: e.decidedOn, on: c)) {
            try TaskStore.open(caseId: e.caseId, kind: .potentialAssessment, assignee: responsible, subjectRef: subject,
                               dueOn: potential.dueOn(from: e.decidedOn), cause: cause, on: c)
        }
        let signed = try c.query("SELECT 1 FROM plans WHERE case_id = $1 AND agreement_signed_on >= $2", [e.caseId, e.decidedOn]).first
        if signed == nil {
            try TaskStore.open(caseId: e.caseId, kind: .planAgreement, assignee: responsible, subjectRef: subject,
                               dueOn: rules[.planAgreement].dueOn(from: e.decidedOn), cause: cause, on: c)
        }
    }

    static func agreementSigned(_ e: AgreementSigned, cause: Cause, on c: PostgresConnection) throws {
        try TaskStore.completeOpen(caseId: e.caseId, kind: .planAgreement, outcome: "agreement_signed", cause: cause, on: c)
    }

    static func planReviewed(_ e: PlanReviewed, cause: Cause, on c: PostgresConnection) throws {
        try TaskStore.completeOpen(caseId: e.caseId, kind: .reviewDue, outcome: "review_held", cause: cause, on: c)
    }

    /// A language course enrolled, started or completed: the missing-enrolment prompt is answered.
    static func measureStatusChanged(_ e: MeasureStatusChanged, cause: Cause, on c: PostgresConnection) throws {
        guard [.enrolled, .started, .completed].contains(e.to) else { return }
        let language = try c.query("SELECT 1 FROM measures WHERE measure_id = $1 AND field_of_action = 'language'", [e.measureId]).first
        guard language != nil else { return }
        try TaskStore.completeOpen(caseId: e.caseId, kind: .languageCourseMissing, outcome: "language_course_enrolled", cause: cause, on: c)
    }

    // MARK: Costs and partners

    /// The office that asked for the approval learns the decision (it may no longer be the
    /// responsible one); the notice is done when that office marks it so.
    static func costDecided(_ e: CostApprovalDecided, rules: TaskRules, cause: Cause, on c: PostgresConnection) throws {
        let requested = try c.query("SELECT requested_by_org FROM approvals WHERE approval_id = $1", [e.approvalId]).first
        let office = try requested?.optionalString("requested_by_org") ?? CaseSnapshot.responsibleOrg(e.caseId, on: c)
        try TaskStore.open(caseId: e.caseId, kind: .costDecisionNotice, assignee: office, subjectRef: e.approvalId.description,
                           dueOn: rules[.costDecisionNotice].dueOn(from: e.decidedOn), cause: cause, on: c)
    }

    /// The responsible office learns that a partner enrolled the person or ended the measure.
    static func partnerUpdate(_ e: PartnerUpdateReceived, rules: TaskRules, cause: Cause, on c: PostgresConnection) throws {
        guard e.update == .enrolled || e.update == .ended else { return }
        try TaskStore.open(caseId: e.caseId, kind: .partnerUpdateNotice, assignee: try CaseSnapshot.responsibleOrg(e.caseId, on: c),
                           subjectRef: "\(e.referralId):\(e.update.rawValue)", dueOn: rules[.partnerUpdateNotice].dueOn(from: e.on),
                           cause: cause, on: c)
    }

    // MARK: Whether a step is done

    private static func statusMeetingHeld(_ caseId: Identifier, since day: CalendarDate, on c: PostgresConnection) throws -> Bool {
        try c.query("""
            SELECT 1 FROM timeline WHERE case_id = $1 AND event_type = $2 AND (data->>'heldOn')::date >= $3
            """, [caseId.description, StatusMeetingRecorded.eventType, day]).first != nil
    }

    private static func assessmentHeld(_ caseId: Identifier, kind: AssessmentKind, since day: CalendarDate,
                                       on c: PostgresConnection) throws -> Bool {
        try c.query("SELECT 1 FROM assessments WHERE case_id = $1 AND kind = $2 AND held_on >= $3", [caseId, kind.rawValue, day]).first != nil
    }
}
