import Foundation
import IASContracts
import IASMessaging
import IASPostgres
import IASRuntime
import IASServiceKit

/// SQL of the assessment service; every statement is parameterised.
enum AssessmentStore {
    static func hasPotentialAssessment(_ caseId: Identifier, on c: PostgresConnection) throws -> Bool {
        try !c.query("SELECT 1 FROM assessments WHERE case_id = $1 AND kind = 'potential' LIMIT 1", [caseId]).isEmpty
    }

    /// Stores the assessment that `a` publishes, with its goals and its triage.
    static func insertAssessment(_ a: AssessmentCompleted, goals: [String], age: Int, decision: TriageDecision,
                                 potentialDue: Bool, actor: Actor, on c: PostgresConnection) throws -> AssessmentRecord {
        let rows = try c.query("""
            INSERT INTO assessments (assessment_id, case_id, kind, held_on, language_levels, literate, school_years, vocational_years,
                                     health_restriction, childcare_duties, goals, age_at_assessment, target_group, pathway,
                                     rule_set_version, rule_id, potential_assessment_due, recorded_by_sub, recorded_by_org)
            VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8, $9, $10, $11::jsonb, $12, $13, $14, $15, $16, $17, $18, $19)
            RETURNING \(AssessmentRecord.columns)
            """,
            [a.assessmentId, a.caseId, a.kind.rawValue, a.heldOn, try PostgresJSON(a.languageLevels), a.literate, a.schoolYears,
             a.vocationalYears, a.healthRestriction.rawValue, a.childcareDuties, try PostgresJSON(goals), age, decision.targetGroup.rawValue,
             decision.pathway, decision.ruleSetVersion, decision.ruleId, potentialDue, actor.subject, actor.organisation])
        return try AssessmentRecord(row: rows[0])
    }

    /// Stores the assignment that `a` publishes.
    static func insertAssignment(_ a: TargetGroupAssigned, actor: Actor, on c: PostgresConnection) throws -> TargetGroupRecord {
        let rows = try c.query("""
            INSERT INTO target_group_assignments (assignment_id, case_id, target_group, pathway, decided_on, age_at_decision, assessment_id,
                                                  rule_set_version, rule_id, override_reason, potential_assessment_due,
                                                  decided_by_sub, decided_by_org)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
            RETURNING \(TargetGroupRecord.columns)
            """,
            [Identifier(), a.caseId, a.targetGroup.rawValue, a.pathway, a.decidedOn, a.ageAtDecision, a.assessmentId, a.ruleSetVersion,
             a.ruleId, a.overrideReason, a.potentialAssessmentDue, actor.subject, actor.organisation])
        return try TargetGroupRecord(row: rows[0])
    }

    static func currentTargetGroup(_ caseId: Identifier, on c: PostgresConnection) throws -> TargetGroupRecord? {
        try c.query("""
            SELECT \(TargetGroupRecord.columns) FROM target_group_assignments WHERE case_id = $1
            ORDER BY decided_at DESC, assignment_id DESC LIMIT 1
            """, [caseId]).first.map(TargetGroupRecord.init)
    }

    /// Oldest first; keyset pagination by (recorded_at, id).
    static func assessments(_ caseId: Identifier, after: Identifier?, limit: Int, on c: PostgresConnection) throws -> [AssessmentRecord] {
        try c.query("""
            SELECT \(AssessmentRecord.columns) FROM assessments
            WHERE case_id = $1
              AND ($2::uuid IS NULL OR (recorded_at, assessment_id) > (SELECT recorded_at, assessment_id FROM assessments WHERE assessment_id = $2))
            ORDER BY recorded_at, assessment_id LIMIT $3
            """, [caseId, after, limit]).map(AssessmentRecord.init)
    }

    static func insertMeeting(_ r: StatusMeetingRequest, id: Identifier, caseId: Identifier, actor: Actor,
                              on c: PostgresConnection) throws -> StatusMeetingRecord {
        let rows = try c.query("""
            INSERT INTO status_meetings (meeting_id, case_id, held_on, participants, notes, recorded_by_sub, recorded_by_org)
            VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7)
            RETURNING \(StatusMeetingRecord.columns)
            """, [id, caseId, r.heldOn, try PostgresJSON(r.participants), r.notes ?? "", actor.subject, actor.organisation])
        return try StatusMeetingRecord(row: rows[0])
    }

    static func meetings(_ caseId: Identifier, after: Identifier?, limit: Int, on c: PostgresConnection) throws -> [StatusMeetingRecord] {
        try c.query("""
            SELECT \(StatusMeetingRecord.columns) FROM status_meetings
            WHERE case_id = $1
              AND ($2::uuid IS NULL OR (recorded_at, meeting_id) > (SELECT recorded_at, meeting_id FROM status_meetings WHERE meeting_id = $2))
            ORDER BY recorded_at, meeting_id LIMIT $3
            """, [caseId, after, limit]).map(StatusMeetingRecord.init)
    }
}
