import Foundation
import IASContracts
import IASHTTP
import IASMessaging
import IASPostgres
import IASRuntime
import IASServiceKit

extension AssessmentApp {
    // MARK: Assessments and triage

    /// Records the assessment, triages by the rule set (age on the assessment day first, then
    /// the assessment) and publishes AssessmentCompleted and TargetGroupAssigned together.
    func recordAssessment(_ context: RequestContext) throws -> HTTPResponse {
        let caseId = try Self.caseId(context.request)
        let body = try context.request.decode(AssessmentRequest.self)
        let errors = body.validate(today: CalendarDate.today(), dateOfBirth: nil)
        guard errors.isEmpty else { throw Problem.validation(errors) }
        return try host.write(context) { connection in
            let entry = try lockAccessibleOpenCase(caseId, context: context, on: connection)
            let dateErrors = body.validate(today: CalendarDate.today(), dateOfBirth: entry.dateOfBirth)
            guard dateErrors.isEmpty else { throw Problem.validation(dateErrors) }
            let age = entry.dateOfBirth.years(until: body.heldOn)
            let decision = rules.triage(body.facts(ageAtAssessment: age))
            let potentialDone = try body.kind == .potential || AssessmentStore.hasPotentialAssessment(caseId, on: connection)
            let potentialDue = rules.isPotentialAssessmentAge(age) && !potentialDone
            var record = try AssessmentStore.insertAssessment(body, id: Identifier(), caseId: caseId, age: age, decision: decision,
                                                              potentialDue: potentialDue, actor: context.actor, on: connection)
            try publish(AssessmentCompleted(caseId: caseId, assessmentId: record.assessmentId, kind: body.kind, heldOn: body.heldOn,
                                            languageLevels: body.languageLevels, literate: body.literate, schoolYears: body.schoolYears,
                                            vocationalYears: body.vocationalYears, healthRestriction: body.healthRestriction,
                                            childcareDuties: body.childcareDuties),
                        caseId: caseId, context: context, on: connection)
            let assignment = try AssessmentStore.insertAssignment(.init(
                targetGroup: decision.targetGroup, pathway: decision.pathway, decidedOn: body.heldOn, ageAtDecision: age,
                assessmentId: record.assessmentId, ruleSetVersion: decision.ruleSetVersion, ruleId: decision.ruleId, overrideReason: nil,
                potentialAssessmentDue: potentialDue), caseId: caseId, actor: context.actor, on: connection)
            try publish(assignment.event, caseId: caseId, context: context, on: connection)
            record.rule.description = decision.ruleDescription
            return .json(record, status: 201, headers: [("Location", "/cases/\(caseId)/assessments")])
        }
    }

    func listAssessments(_ context: RequestContext) throws -> HTTPResponse {
        let caseId = try Self.caseId(context.request)
        let page = try Pagination(context.request)
        let rows = try host.read { connection -> [AssessmentRecord] in
            try requireAccessibleCase(caseId, context: context, on: connection)
            return try AssessmentStore.assessments(caseId, after: page.after, limit: page.limit + 1, on: connection)
        }
        return .json(Page(items: Array(rows.prefix(page.limit)),
                          nextCursor: rows.count > page.limit ? rows[page.limit - 1].assessmentId.description : nil))
    }

    // MARK: Target group

    /// A case worker decides the target group against the rules; the reason is published.
    func overrideTargetGroup(_ context: RequestContext) throws -> HTTPResponse {
        let caseId = try Self.caseId(context.request)
        let body = try context.request.decode(TargetGroupOverrideRequest.self)
        let errors = body.validate()
        guard errors.isEmpty, let reason = body.reason else { throw Problem.validation(errors) }
        return try host.write(context) { connection in
            let entry = try lockAccessibleOpenCase(caseId, context: context, on: connection)
            let today = CalendarDate.today()
            let age = entry.dateOfBirth.years(until: today)
            if let violation = TargetGroupOverrideRequest.ageViolation(body.targetGroup, age: age) {
                throw Problem.unprocessable(violation, errors: [FieldError(field: "targetGroup", message: violation)])
            }
            guard let pathway = rules.pathway(for: body.targetGroup, age: age) else {
                throw Problem.unprocessable("the rule set names no pathway for \(body.targetGroup.rawValue)")
            }
            let potentialDue = try rules.isPotentialAssessmentAge(age) && !AssessmentStore.hasPotentialAssessment(caseId, on: connection)
            let previous = try AssessmentStore.currentTargetGroup(caseId, on: connection)
            let assignment = try AssessmentStore.insertAssignment(.init(
                targetGroup: body.targetGroup, pathway: pathway, decidedOn: today, ageAtDecision: age,
                assessmentId: previous?.assessmentId, ruleSetVersion: nil, ruleId: nil,
                overrideReason: reason.trimmingCharacters(in: .whitespacesAndNewlines), potentialAssessmentDue: potentialDue),
                caseId: caseId, actor: context.actor, on: connection)
            try publish(assignment.event, caseId: caseId, context: context, on: connection)
            return .json(assignment)
        }
    }

    func currentTargetGroup(_ context: RequestContext) throws -> HTTPResponse {
        let caseId = try Self.caseId(context.request)
        let current = try host.read { connection -> TargetGroupRecord? in
            try requireAccessibleCase(caseId, context: context, on: connection)
            return try AssessmentStore.currentTargetGroup(caseId, on: connection)
        }
        guard let current else { throw Problem.notFound("the case has no target group yet: record an assessment first") }
        return .json(current)
    }

    // MARK: Status meetings

    func recordStatusMeeting(_ context: RequestContext) throws -> HTTPResponse {
        let caseId = try Self.caseId(context.request)
        let body = try context.request.decode(StatusMeetingRequest.self)
        let errors = body.validate(today: CalendarDate.today())
        guard errors.isEmpty else { throw Problem.validation(errors) }
        return try host.write(context) { connection in
            _ = try lockAccessibleOpenCase(caseId, context: context, on: connection)
            let meeting = try AssessmentStore.insertMeeting(body, id: Identifier(), caseId: caseId, actor: context.actor, on: connection)
            try publish(StatusMeetingRecorded(caseId: caseId, meetingId: meeting.meetingId, heldOn: meeting.heldOn,
                                              participantCount: meeting.participants.count),
                        caseId: caseId, context: context, on: connection)
            return .json(meeting, status: 201, headers: [("Location", "/cases/\(caseId)/status-meetings")])
        }
    }

    func listStatusMeetings(_ context: RequestContext) throws -> HTTPResponse {
        let caseId = try Self.caseId(context.request)
        let page = try Pagination(context.request)
        let rows = try host.read { connection -> [StatusMeetingRecord] in
            try requireAccessibleCase(caseId, context: context, on: connection)
            return try AssessmentStore.meetings(caseId, after: page.after, limit: page.limit + 1, on: connection)
        }
        return .json(Page(items: Array(rows.prefix(page.limit)),
                          nextCursor: rows.count > page.limit ? rows[page.limit - 1].meetingId.description : nil))
    }

    // MARK: Shared steps

    /// 404 until intake's registration has arrived, 403 for another organisation's case, 409
    /// for a closed case; the registry row stays locked until the transaction ends.
    func lockAccessibleOpenCase(_ caseId: Identifier, context: RequestContext, on connection: PostgresConnection) throws -> CaseRegistry.Entry {
        guard let entry = try AssessmentStore.lockCase(caseId, on: connection) else { throw Problem.notFound("no case with this id") }
        try context.requireCaseAccess(responsibleOrg: entry.responsibleOrg, caseId: caseId)
        if let closed = entry.closedOn { throw Problem.conflict("the case was closed on \(closed); it takes no further assessments") }
        return entry
    }

    func requireAccessibleCase(_ caseId: Identifier, context: RequestContext, on connection: PostgresConnection) throws {
        guard let entry = try CaseRegistry.find(caseId, on: connection) else { throw Problem.notFound("no case with this id") }
        try context.requireCaseAccess(responsibleOrg: entry.responsibleOrg, caseId: caseId)
    }

    func publish<Payload: EventPayload>(_ payload: Payload, caseId: Identifier, context: RequestContext,
                                        on connection: PostgresConnection) throws {
        try host.publish(try EventEnvelope(payload, subject: caseId.description, actor: context.actor,
                                           correlationid: host.correlationId(for: context.request)),
                         to: Topics.assessment, on: connection)
    }

    static func caseId(_ request: HTTPRequest) throws -> Identifier {
        guard let id = Identifier(try request.parameter("caseId")) else { throw Problem.notFound("no case with this id") }
        return id
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
