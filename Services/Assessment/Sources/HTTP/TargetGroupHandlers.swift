import Foundation
import IASContracts
import IASHTTP
import IASRuntime
import IASServiceKit

/// `PUT/GET /cases/{caseId}/target-group`, `GET /triage-rules`.
extension AssessmentApp {
    /// A case worker decides the target group against the rules; the reason is published.
    func overrideTargetGroup(_ context: RequestContext) throws -> HTTPResponse {
        let caseId = try context.pathId("caseId", "case")
        let body = try context.request.decode(TargetGroupOverrideRequest.self)
        let errors = body.validate()
        guard errors.isEmpty, let reason = body.reason else { throw Problem.validation(errors) }
        return try host.write(context) { c in
            let entry = try context.access(CaseRegistry.find(caseId, lock: true, on: c), forChange: true)
            let today = CalendarDate.today()
            let age = entry.dateOfBirth.years(until: today)
            if let violation = TargetGroupOverrideRequest.ageViolation(body.targetGroup, age: age) {
                throw Refusal.breaksRule(violation, fields: [FieldError(field: "targetGroup", message: violation)])
            }
            guard let pathway = rules.pathway(for: body.targetGroup, age: age) else {
                throw Refusal.breaksRule("the rule set names no pathway for \(body.targetGroup.rawValue)")
            }
            let potentialDue = try rules.isPotentialAssessmentAge(age) && !AssessmentStore.hasPotentialAssessment(caseId, on: c)
            let previous = try AssessmentStore.currentTargetGroup(caseId, on: c)
            let assignment = try AssessmentStore.insertAssignment(TargetGroupAssigned(
                caseId: caseId, targetGroup: body.targetGroup, pathway: pathway, decidedOn: today, ageAtDecision: age,
                assessmentId: previous?.assessmentId, ruleSetVersion: nil, ruleId: nil,
                overrideReason: reason.trimmingCharacters(in: .whitespacesAndNewlines), potentialAssessmentDue: potentialDue),
                actor: context.actor, on: c)
            try host.emitter(context.cause, on: c).emit(assignment.published, caseId: caseId)
            return .json(assignment)
        }
    }

    func currentTargetGroup(_ context: RequestContext) throws -> HTTPResponse {
        let caseId = try context.pathId("caseId", "case")
        let current = try host.read { c -> TargetGroupRecord? in
            try context.access(CaseRegistry.find(caseId, on: c))
            return try AssessmentStore.currentTargetGroup(caseId, on: c)
        }
        guard let current else { throw Problem.notFound("the case has no target group yet: record an assessment first") }
        return .json(current)
    }
}

/// `GET /triage-rules`: the rule set in force, so that a case worker can see why a case landed where it did.
struct TriageRulesView: Encodable {
    let version: String
    let title: String?
    let description: String?
    let potentialAssessmentAges: String
    let rules: [RuleView]

    struct RuleView: Encodable {
        let id: String
        let description: String
        let targetGroup: TargetGroup
        let pathway: String
    }

    init(_ set: TriageRuleSet) {
        version = set.version
        title = set.title
        description = set.description
        let range = set.potentialAssessment.ageAtAssessment
        potentialAssessmentAges = "\(range.min.map(String.init) ?? "0")-\(range.max.map(String.init) ?? "")"
        rules = set.rules.map { RuleView(id: $0.id, description: $0.description, targetGroup: $0.targetGroup, pathway: $0.pathway) }
    }
}
