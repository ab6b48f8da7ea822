import Foundation
import IASContracts
import IASPostgres
import IASRuntime
import IASServiceKit

/// An assessment as stored and returned, with the triage it led to.
struct AssessmentRecord: Encodable, Sendable {
    var assessmentId: Identifier
    var caseId: Identifier
    var kind: AssessmentKind
    var heldOn: CalendarDate
    var languageLevels: LanguageLevels
    var literate: Bool
    var schoolYears: Int
    var vocationalYears: Int
    var healthRestriction: HealthRestriction
    var childcareDuties: Bool
    var goals: [String]
    var ageAtAssessment: Int
    var targetGroup: TargetGroup
    var pathway: String
    var rule: RuleReference
    var potentialAssessmentDue: Bool
    var recordedBy: String
    var recordedAt: Date

    struct RuleReference: Codable, Sendable {
        var ruleSetVersion: String
        var ruleId: String
        var description: String?
    }

    static let columns = """
        assessment_id, case_id, kind, held_on, language_levels, literate, school_years, vocational_years, health_restriction,
        childcare_duties, goals, age_at_assessment, target_group, pathway, rule_set_version, rule_id, potential_assessment_due,
        recorded_by_org, recorded_at
        """

    init(row: PostgresRow) throws {
        assessmentId = try row.identifier("assessment_id")
        caseId = try row.identifier("case_id")
        kind = try row.enumValue("kind")
        heldOn = try row.calendarDate("held_on")
        languageLevels = try row.json(LanguageLevels.self, "language_levels")
        literate = try row.bool("literate")
        schoolYears = try row.int("school_years")
        vocationalYears = try row.int("vocational_years")
        healthRestriction = try row.enumValue("health_restriction")
        childcareDuties = try row.bool("childcare_duties")
        goals = try row.json([String].self, "goals")
        ageAtAssessment = try row.int("age_at_assessment")
        targetGroup = try row.enumValue("target_group")
        pathway = try row.string("pathway")
        rule = RuleReference(ruleSetVersion: try row.string("rule_set_version"), ruleId: try row.string("rule_id"), description: nil)
        potentialAssessmentDue = try row.bool("potential_assessment_due")
        recordedBy = try row.string("recorded_by_org")
        recordedAt = try row.date("recorded_at")
    }
}

/// A status meeting; participants and notes never leave this service in events.
struct StatusMeetingRecord: Encodable, Sendable {
    var meetingId: Identifier
    var caseId: Identifier
    var heldOn: CalendarDate
    var participants: [String]
    var notes: String
    var recordedBy: String
    var recordedAt: Date

    static let columns = "meeting_id, case_id, held_on, participants, notes, recorded_by_org, recorded_at"

    init(row: PostgresRow) throws {
        meetingId = try row.identifier("meeting_id")
        caseId = try row.identifier("case_id")
        heldOn = try row.calendarDate("held_on")
        participants = try row.json([String].self, "participants")
        notes = try row.string("notes")
        recordedBy = try row.string("recorded_by_org")
        recordedAt = try row.date("recorded_at")
    }
}

/// The target group a case has, by a rule or by a manual override.
struct TargetGroupRecord: Encodable, Sendable {
    var caseId: Identifier
    var targetGroup: TargetGroup
    var pathway: String
    var decidedOn: CalendarDate
    var ageAtDecision: Int
    var assessmentId: Identifier?
    var ruleSetVersion: String?
    var ruleId: String?
    var overrideReason: String?
    var potentialAssessmentDue: Bool
    var decidedBy: String
    var decidedAt: Date

    static let columns = """
        case_id, target_group, pathway, decided_on, age_at_decision, assessment_id, rule_set_version, rule_id, override_reason,
        potential_assessment_due, decided_by_org, decided_at
        """

    init(row: PostgresRow) throws {
        caseId = try row.identifier("case_id")
        targetGroup = try row.enumValue("target_group")
        pathway = try row.string("pathway")
        decidedOn = try row.calendarDate("decided_on")
        ageAtDecision = try row.int("age_at_decision")
        assessmentId = try row.optionalIdentifier("assessment_id")
        ruleSetVersion = try row.optionalString("rule_set_version")
        ruleId = try row.optionalString("rule_id")
        overrideReason = try row.optionalString("override_reason")
        potentialAssessmentDue = try row.bool("potential_assessment_due")
        decidedBy = try row.string("decided_by_org")
        decidedAt = try row.date("decided_at")
    }

    var event: TargetGroupAssigned {
        TargetGroupAssigned(caseId: caseId, targetGroup: targetGroup, pathway: pathway, decidedOn: decidedOn, ageAtDecision: ageAtDecision,
                            assessmentId: assessmentId, ruleSetVersion: ruleSetVersion, ruleId: ruleId, overrideReason: overrideReason,
                            potentialAssessmentDue: potentialAssessmentDue)
    }
}
