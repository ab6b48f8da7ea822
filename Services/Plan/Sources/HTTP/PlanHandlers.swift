import Foundation
import IASContracts
import IASHTTP
import IASPostgres
import IASRuntime
import IASServiceKit

/// `GET /cases/{caseId}/plan` and the changes of a plan: measures, their states, the agreement, reviews.
extension PlanApp {
    // MARK: Access


    /// The locked plan of a case that may still change; an `If-Match` must name its current version.
    func lockWritablePlan(_ caseId: Identifier, _ context: RequestContext, on c: PostgresConnection) throws -> (CaseRegistry.Entry, PlanRow) {
        let entry = try context.access(CaseRegistry.find(caseId, on: c), forChange: true)
        guard let plan = try PlanStore.lockPlan(caseId: caseId, on: c) else {
            throw Refusal.notFound("this case has no plan yet: it is drafted when a target group is assigned")
        }
        try context.checkIfMatch(current: plan.etag)
        guard plan.status != .closed else { throw Refusal.conflict("the case is closed: its plan no longer changes") }
        return (entry, plan)
    }

    func writer(_ context: RequestContext, on c: PostgresConnection) -> PlanWriter {
        PlanWriter(catalog: catalog, emitter: host.emitter(context.cause, on: c))
    }

    func planResponse(_ caseId: Identifier, status: Int = 200, on c: PostgresConnection) throws -> HTTPResponse {
        guard let plan = try PlanStore.findPlan(caseId: caseId, on: c) else { throw Refusal.notFound("this case has no plan yet") }
        return .json(try PlanStore.view(of: plan, catalog: catalog, on: c), status: status, headers: [("ETag", plan.etag)])
    }

    // MARK: Plan

    func getPlan(_ context: RequestContext) throws -> HTTPResponse {
        let id = try context.pathId("caseId", "case")
        return try host.read { c in
            try context.access(CaseRegistry.find(id, on: c))
            return try planResponse(id, on: c)
        }
    }

    func addMeasure(_ context: RequestContext) throws -> HTTPResponse {
        let id = try context.pathId("caseId", "case")
        let body = try context.request.decode(AddMeasureRequest.self)
        try Problem.throwIfInvalid(body.validate())
        return try host.write(context) { c in
            let (entry, plan) = try lockWritablePlan(id, context, on: c)
            guard let measure = catalog.measure(body.catalogCode) else {
                throw Refusal.breaksRule("\(body.catalogCode) is not a measure of the catalogue (version \(catalog.measuresVersion))",
                                            fields: [FieldError(field: "catalogCode", message: "unknown catalogue code")])
            }
            guard let funding = PlanDrafting.funding(of: measure, status: entry.status) else {
                throw Refusal.breaksRule("an asylum seeker (status N) gets language funding only: \(measure.code) can be planned after the regularisation")
            }
            let measureId = try writer(context, on: c).addMeasure(
                plan: plan, measure: measure, funding: funding, provider: body.provider, startsOn: body.startsOn, endsOn: body.endsOn,
                estimatedCostRappen: body.estimatedCostRappen, origin: "manual", on: CalendarDate.today())
            _ = try PlanStore.update(plan, on: c)   // a new measure is a new version of the plan
            let view = try PlanStore.view(of: try PlanStore.findPlan(caseId: id, on: c)!, catalog: catalog, on: c)
            let created = view.measures.first { $0.measureId == measureId }!
            return .json(created, status: 201, headers: [("Location", "/cases/\(id)/plan/measures/\(measureId)"), ("ETag", "\"\(view.version)\"")])
        }
    }

    func changeStatus(_ context: RequestContext) throws -> HTTPResponse {
        let id = try context.pathId("caseId", "case")
        let measureId = try context.pathId("measureId", "measure")
        let body = try context.request.decode(MeasureStatusRequest.self)
        try Problem.throwIfInvalid(body.validate(today: CalendarDate.today()))
        guard body.status != .approved, body.status != .planned else {
            throw Refusal.breaksRule(body.status == .approved
                ? "a measure is approved by the canton's cost decision (or at once when it costs the lump sum nothing), not by hand"
                : "a measure cannot go back to planned")
        }
        return try host.write(context) { c in
            let (_, plan) = try lockWritablePlan(id, context, on: c)
            guard let m = try PlanStore.lockMeasure(measureId, on: c), m.planId == plan.planId else {
                throw Refusal.notFound("no measure with this id in this plan")
            }
            guard MeasureStateMachine.canMove(from: m.status, to: body.status) else {
                let allowed = MeasureStateMachine.allowed(from: m.status).map(\.rawValue).sorted()
                throw Refusal.conflict("a \(m.status.rawValue) measure cannot become \(body.status.rawValue)"
                    + (allowed.isEmpty ? " (it is final)" : "; possible: \(allowed.joined(separator: ", "))"),
                    details: ["currentStatus": .string(m.status.rawValue)])
            }
            try writer(context, on: c).move(m, to: body.status, on: body.on, reason: body.reason)
            _ = try PlanStore.update(plan, on: c)
            return try planResponse(id, on: c)
        }
    }

    func signAgreement(_ context: RequestContext) throws -> HTTPResponse {
        let id = try context.pathId("caseId", "case")
        let body = try context.request.decode(AgreementRequest.self)
        try Problem.throwIfInvalid(body.validate(today: CalendarDate.today()))
        return try host.write(context) { c in
            var (_, plan) = try lockWritablePlan(id, context, on: c)
            guard plan.status == .draft else { throw Refusal.conflict("the agreement of this plan is already signed") }
            plan.status = .active
            plan.signedOn = body.signedOn
            plan.goals = body.goals.map { Goal(goalId: Identifier(), text: $0.text, fieldOfAction: $0.fieldOfAction, dueOn: $0.dueOn) }
            plan.reviewEveryMonths = body.reviewEveryMonths
            plan.nextReviewDue = body.signedOn.adding(months: body.reviewEveryMonths)
            plan = try PlanStore.update(plan, on: c)
            try writer(context, on: c).emit(AgreementSigned(
                caseId: id, planId: plan.planId, signedOn: body.signedOn, goalCount: plan.goals.count,
                reviewEveryMonths: body.reviewEveryMonths, nextReviewDue: plan.nextReviewDue!), caseId: id)
            return try planResponse(id, status: 201, on: c)
        }
    }

    func recordReview(_ context: RequestContext) throws -> HTTPResponse {
        let id = try context.pathId("caseId", "case")
        let body = try context.request.decode(ReviewRequest.self)
        try Problem.throwIfInvalid(body.validate(today: CalendarDate.today()))
        return try host.write(context) { c in
            var (_, plan) = try lockWritablePlan(id, context, on: c)
            guard plan.status == .active, let months = plan.reviewEveryMonths, let signedOn = plan.signedOn else {
                throw Refusal.conflict("a plan is reviewed once its agreement is signed")
            }
            guard body.heldOn >= signedOn else {
                throw Refusal.breaksRule("a review cannot be held before the agreement was signed (\(signedOn))",
                                            fields: [FieldError(field: "heldOn", message: "must not be before \(signedOn)")])
            }
            let next = body.heldOn.adding(months: months)
            let review = ReviewView(reviewId: Identifier(), heldOn: body.heldOn, outcome: body.outcome, notes: body.notes,
                                    nextReviewDue: next, byOrg: context.principal.organisation)
            try PlanStore.insertReview(review, planId: plan.planId, on: c)
            plan.nextReviewDue = max(plan.nextReviewDue ?? next, next)
            plan = try PlanStore.update(plan, on: c)
            try writer(context, on: c).emit(PlanReviewed(caseId: id, planId: plan.planId, heldOn: body.heldOn, outcome: body.outcome,
                                                         nextReviewDue: plan.nextReviewDue), caseId: id)
            return try planResponse(id, status: 201, on: c)
        }
    }
}
