import Foundation
import IASContracts
import IASPostgres
import IASRuntime
import IASServiceKit

/// An assessment as stored and returned: the assessment as published (`AssessmentCompleted`),
/// and beside it the goals and the triage it led to.
struct AssessmentRecord: PublishedRecord, Sendable, RowDecodable {
    var published: AssessmentCompleted
    var kept: Triage

    struct Triage: Codable, Sendable {
        var goals: [String]
        var ageAtAssessment: Int
        var targetGroup: TargetGroup
        var pathway: String
        var rule: RuleReference
        var potentialAssessmentDue: Bool
        var recordedBy: String
        var recordedAt: Date
    }

    struct RuleReference: Codable, Sendable {
        var ruleSetVersion: String
        var ruleId: String
        var description: String?
    }

    static let columns = """
        assessment_id, case_id, kind, held_on, language_levels, literate, school_years, vocational_years, health_restriction,
        childcare_duties, goals, age_at_assessment, target_group, pathway,
        jsonb_build_object('ruleSetVersion', rule_set_version, 'ruleId', rule_id) AS rule, potential_assessment_due,
        recorded_by_org AS recorded_by, recorded_at
        """
}

/// A status meeting; participants and notes never leave this service in events.
struct StatusMeetingRecord: Codable, Sendable, RowDecodable {
    var meetingId: Identifier
    var caseId: Identifier
    var heldOn: CalendarDate
    var participants: [String]
    var notes: String
    var recordedBy: String
    var recordedAt: Date

    static let columns = "meeting_id, case_id, held_on, participants, notes, recorded_by_org AS recorded_by, recorded_at"
}

/// The target group a case has, by a rule or by a manual override: the assignment as
/// published (`TargetGroupAssigned`), and who decided it when.
struct TargetGroupRecord: PublishedRecord, Sendable, RowDecodable {
    var published: TargetGroupAssigned
    var kept: Decision

    struct Decision: Codable, Sendable {
        var decidedBy: String
        var decidedAt: Date
    }

    static let columns = """
        case_id, target_group, pathway, decided_on, age_at_decision, assessment_id, rule_set_version, rule_id, override_reason,
        potential_assessment_due, decided_by_org AS decided_by, decided_at
        """
}
