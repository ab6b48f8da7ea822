import Foundation
import IASContracts
import IASHTTP
import IASPostgres
import IASRuntime
import IASServiceKit

/// `POST/GET /cases/{caseId}/assessments`: assessments and the triage they lead to.
extension AssessmentApp {
    /// Records the assessment, triages by the rule set (age on the assessment day first, then
    /// the assessment) and publishes AssessmentCompleted and TargetGroupAssigned together.
    func recordAssessment(_ context: RequestContext) throws -> HTTPResponse {
        let caseId = try context.pathId("caseId", "case")
        let body = try context.request.decode(AssessmentRequest.self)
        try Problem.throwIfInvalid(body.validate(today: CalendarDate.today(), dateOfBirth: nil))
        return try host.write(context) { c in
            let entry = try context.access(CaseRegistry.find(caseId, lock: true, on: c), forChange: true)
            let dateErrors = body.validate(today: CalendarDate.today(), dateOfBirth: entry.dateOfBirth)
            try Refusal.throwIfInvalid(dateErrors)
            let age = entry.dateOfBirth.years(until: body.heldOn)
            let decision = rules.triage(body.facts(ageAtAssessment: age))
            let potentialDone = try body.kind == .potential || AssessmentStore.hasPotentialAssessment(caseId, on: c)
            let potentialDue = rules.isPotentialAssessmentAge(age) && !potentialDone
            var record = try AssessmentStore.insertAssessment(body.completed(caseId: caseId, assessmentId: Identifier()),
                                                              goals: body.goals ?? [], age: age, decision: decision,
                                                              potentialDue: potentialDue, actor: context.actor, on: c)
            let emitter = host.emitter(context.cause, on: c)
            try emitter.emit(record.published, caseId: caseId)
            let assignment = try AssessmentStore.insertAssignment(TargetGroupAssigned(
                caseId: caseId, targetGroup: decision.targetGroup, pathway: decision.pathway, decidedOn: body.heldOn, ageAtDecision: age,
                assessmentId: record.assessmentId, ruleSetVersion: decision.ruleSetVersion, ruleId: decision.ruleId, overrideReason: nil,
                potentialAssessmentDue: potentialDue), actor: context.actor, on: c)
            try emitter.emit(assignment.published, caseId: caseId)
            record.rule.description = decision.ruleDescription
            return .json(record, status: 201, headers: [("Location", "/cases/\(caseId)/assessments")])
        }
    }

    func listAssessments(_ context: RequestContext) throws -> HTTPResponse {
        try host.casePage(context, case: { id, c in try CaseRegistry.find(id, on: c) },
                          records: { id, page, c in try AssessmentStore.assessments(id, after: page.after, limit: page.fetchLimit, on: c) }, key: \.assessmentId)
    }

}
