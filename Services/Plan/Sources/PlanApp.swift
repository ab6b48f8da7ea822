import Foundation
import IASContracts
import IASHTTP
import IASMessaging
import IASPostgres
import IASRuntime
import IASServiceKit

/// The plan service: the measure catalogue and pathways, each case's integration plan with its
/// measures, agreement, reviews, deviations and final reports.
public final class PlanApp: Sendable {
    let host: ServiceHost
    let catalog: Catalog
    let reviewCheckIntervalSeconds: Double

    /// The topics this service consumes.
    static let consumedTopics = [Topics.intake, Topics.assessment, Topics.costs, Topics.coordination]

    public init(host: ServiceHost, catalog: Catalog, reviewCheckIntervalSeconds: Double = 3600) {
        self.host = host; self.catalog = catalog; self.reviewCheckIntervalSeconds = reviewCheckIntervalSeconds
    }

    /// Entry point of the `ias-plan` executable.
    public static func main() -> Never {
        ServiceMain.run("plan") {
            var interval = 3600.0
            let host = try ServiceHost(service: "plan", defaultPort: 8083, publishes: [Topics.plan], resources: Bundle.module,
                                       usesCaseRegistry: true) { reader in
                interval = reader.double("IAS_REVIEW_CHECK_INTERVAL_SECONDS", default: 3600, range: 0.1...86_400)
            }
            PlanApp(host: host, catalog: try Catalog.bundled(), reviewCheckIntervalSeconds: interval).register()
            return host
        }
    }

    public func register() {
        let handlers = PlanEventHandlers(host: host, catalog: catalog)
        host.subscribe(EventSubscription(name: "cases", topics: Self.consumedTopics) { envelope, connection in
            try handlers.apply(envelope, on: connection)
        })
        host.schedule(ScheduledJob(name: "overdue-reviews", intervalSeconds: reviewCheckIntervalSeconds) { [self] in
            try flagOverdueReviews(today: CalendarDate.today())
        })
        host.route("GET", "/catalog/measures", .readReference) { [self] context in try catalogMeasures(context) }
        host.route("GET", "/catalog/pathways", .readReference) { [self] context in try catalogPathways(context) }
        host.route("GET", "/cases/{caseId}/plan", .readCases) { [self] context in try getPlan(context) }
        host.route("POST", "/cases/{caseId}/plan/measures", .writeCases) { [self] context in try addMeasure(context) }
        host.route("POST", "/cases/{caseId}/plan/measures/{measureId}/status", .writeCases) { [self] context in try changeStatus(context) }
        host.route("POST", "/cases/{caseId}/plan/agreement", .writeCases) { [self] context in try signAgreement(context) }
        host.route("POST", "/cases/{caseId}/plan/reviews", .writeCases) { [self] context in try recordReview(context) }
        host.route("GET", "/cases/{caseId}/plan/final-reports", .readCases) { [self] context in try listFinalReports(context) }
        host.route("GET", "/cases/{caseId}/plan/final-reports/{reportId}", .readCases) { [self] context in try getFinalReport(context) }
    }

    // MARK: Catalogue

    /// Catalogue lists page by code (`?limit=&cursor=<last code>`).
    struct CatalogPage<Item: Encodable & Sendable>: Encodable, Sendable {
        var version: String
        var items: [Item]
        var nextCursor: String?
    }

    static func page<Item>(_ all: [Item], code: (Item) -> String, request: HTTPRequest) throws -> (items: [Item], next: String?) {
        var limit = 100
        if let text = request.query["limit"] {
            guard let n = Int(text), (1...200).contains(n) else {
                throw Problem.validation([FieldError(field: "limit", message: "must be a whole number from 1 to 200")])
            }
            limit = n
        }
        var rest = all
        if let cursor = request.query["cursor"] {
            guard let index = all.firstIndex(where: { code($0) == cursor }) else {
                throw Problem.validation([FieldError(field: "cursor", message: "is not a cursor returned by this list")])
            }
            rest = Array(all[(index + 1)...])
        }
        let items = Array(rest.prefix(limit))
        return (items, rest.count > limit ? items.last.map(code) : nil)
    }

    func catalogMeasures(_ context: RequestContext) throws -> HTTPResponse {
        let page = try Self.page(catalog.measures, code: \.code, request: context.request)
        return .json(CatalogPage(version: catalog.measuresVersion, items: page.items, nextCursor: page.next))
    }

    func catalogPathways(_ context: RequestContext) throws -> HTTPResponse {
        let page = try Self.page(catalog.pathways, code: \.code, request: context.request)
        return .json(CatalogPage(version: catalog.pathwaysVersion, items: page.items, nextCursor: page.next))
    }

    // MARK: Access

    func caseId(_ context: RequestContext) throws -> Identifier {
        guard let id = Identifier(try context.request.parameter("caseId")) else { throw Problem.notFound("no case with this id") }
        return id
    }

    /// 404 for an unknown case, 403 for a case the caller's organisation is not responsible for.
    @discardableResult
    func requireCase(_ caseId: Identifier, _ context: RequestContext, on c: PostgresConnection) throws -> CaseRegistry.Entry {
        guard let entry = try CaseRegistry.find(caseId, on: c) else { throw Problem.notFound("no case with this id") }
        try context.requireCaseAccess(responsibleOrg: entry.responsibleOrg, caseId: caseId)
        return entry
    }

    /// The locked plan of a case that may still change; `If-Match` must name its current version.
    func lockWritablePlan(_ caseId: Identifier, _ context: RequestContext, on c: PostgresConnection) throws -> (CaseRegistry.Entry, PlanRow) {
        let entry = try requireCase(caseId, context, on: c)
        guard let plan = try PlanStore.lockPlan(caseId: caseId, on: c) else {
            throw Problem.notFound("this case has no plan yet: it is drafted when a target group is assigned")
        }
        if let expected = context.request.header("If-Match"), expected != "*", expected != plan.etag {
            throw Problem.conflict("the plan was changed in the meantime (current version \(plan.etag)); reload it and try again")
        }
        guard plan.status != .closed, entry.closedOn == nil else { throw Problem.conflict("the case is closed: its plan no longer changes") }
        return (entry, plan)
    }

    func writer(_ context: RequestContext, on c: PostgresConnection) -> PlanWriter {
        PlanWriter(host: host, catalog: catalog, connection: c,
                   cause: Cause(actor: context.actor, correlationId: host.correlationId(for: context.request)))
    }

    func planResponse(_ caseId: Identifier, status: Int = 200, on c: PostgresConnection) throws -> HTTPResponse {
        guard let plan = try PlanStore.findPlan(caseId: caseId, on: c) else { throw Problem.notFound("this case has no plan yet") }
        return .json(try PlanStore.view(of: plan, catalog: catalog, on: c), status: status, headers: [("ETag", plan.etag)])
    }

    // MARK: Plan

    func getPlan(_ context: RequestContext) throws -> HTTPResponse {
        let id = try caseId(context)
        return try host.read { c in
            try requireCase(id, context, on: c)
            return try planResponse(id, on: c)
        }
    }

    func addMeasure(_ context: RequestContext) throws -> HTTPResponse {
        let id = try caseId(context)
        let body = try context.request.decode(AddMeasureRequest.self)
        let errors = body.validate()
        guard errors.isEmpty else { throw Problem.validation(errors) }
        return try host.write(context) { c in
            let (entry, plan) = try lockWritablePlan(id, context, on: c)
            guard let measure = catalog.measure(body.catalogCode) else {
                throw Problem.unprocessable("\(body.catalogCode) is not a measure of the catalogue (version \(catalog.measuresVersion))",
                                            errors: [FieldError(field: "catalogCode", message: "unknown catalogue code")])
            }
            guard let funding = PlanDrafting.funding(of: measure, status: entry.status) else {
                throw Problem.unprocessable("an asylum seeker (status N) gets language funding only: \(measure.code) can be planned after the regularisation")
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
        let id = try caseId(context)
        guard let measureId = Identifier(try context.request.parameter("measureId")) else { throw Problem.notFound("no measure with this id") }
        let body = try context.request.decode(MeasureStatusRequest.self)
        let errors = body.validate(today: CalendarDate.today())
        guard errors.isEmpty else { throw Problem.validation(errors) }
        guard body.status != .approved, body.status != .planned else {
            throw Problem.unprocessable(body.status == .approved
                ? "a measure is approved by the canton's cost decision (or at once when it costs the lump sum nothing), not by hand"
                : "a measure cannot go back to planned")
        }
        return try host.write(context) { c in
            let (_, plan) = try lockWritablePlan(id, context, on: c)
            guard let m = try PlanStore.lockMeasure(measureId, on: c), m.planId == plan.planId else {
                throw Problem.notFound("no measure with this id in this plan")
            }
            guard MeasureStateMachine.canMove(from: m.status, to: body.status) else {
                let allowed = MeasureStateMachine.allowed(from: m.status).map(\.rawValue).sorted()
                throw Problem.conflict("a \(m.status.rawValue) measure cannot become \(body.status.rawValue)"
                    + (allowed.isEmpty ? " (it is final)" : "; possible: \(allowed.joined(separator: ", "))"),
                    extensions: ["currentStatus": .string(m.status.rawValue)])
            }
            try writer(context, on: c).move(m, to: body.status, on: body.on, reason: body.reason)
            _ = try PlanStore.update(plan, on: c)
            return try planResponse(id, on: c)
        }
    }

    func signAgreement(_ context: RequestContext) throws -> HTTPResponse {
        let id = try caseId(context)
        let body = try context.request.decode(AgreementRequest.self)
        let errors = body.validate(today: CalendarDate.today())
        guard errors.isEmpty else { throw Problem.validation(errors) }
        return try host.write(context) { c in
            var (_, plan) = try lockWritablePlan(id, context, on: c)
            guard plan.status == .draft else { throw Problem.conflict("the agreement of this plan is already signed") }
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
        let id = try caseId(context)
        let body = try context.request.decode(ReviewRequest.self)
        let errors = body.validate(today: CalendarDate.today())
        guard errors.isEmpty else { throw Problem.validation(errors) }
        return try host.write(context) { c in
            var (_, plan) = try lockWritablePlan(id, context, on: c)
            guard plan.status == .active, let months = plan.reviewEveryMonths, let signedOn = plan.signedOn else {
                throw Problem.conflict("a plan is reviewed once its agreement is signed")
            }
            guard body.heldOn >= signedOn else {
                throw Problem.unprocessable("a review cannot be held before the agreement was signed (\(signedOn))",
                                            errors: [FieldError(field: "heldOn", message: "must not be before \(signedOn)")])
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

    // MARK: Final reports

    func listFinalReports(_ context: RequestContext) throws -> HTTPResponse {
        let id = try caseId(context)
        let page = try Pagination(context.request)
        return try host.read { c in
            try requireCase(id, context, on: c)
            let rows = try PlanStore.finalReports(caseId: id, after: page.after, limit: page.limit + 1, on: c)
            return .json(Page(items: Array(rows.prefix(page.limit)),
                              nextCursor: rows.count > page.limit ? rows[page.limit - 1].reportId.description : nil))
        }
    }

    func getFinalReport(_ context: RequestContext) throws -> HTTPResponse {
        let id = try caseId(context)
        guard let reportId = Identifier(try context.request.parameter("reportId")) else { throw Problem.notFound("no final report with this id") }
        return try host.read { c in
            try requireCase(id, context, on: c)
            guard let report = try PlanStore.finalReport(caseId: id, reportId: reportId, on: c) else {
                throw Problem.notFound("no final report with this id for this case")
            }
            return .json(report)
        }
    }

    // MARK: Overdue reviews

    /// Flags each active plan whose review is overdue, once per due date.
    func flagOverdueReviews(today: CalendarDate) throws {
        while true {
            let flagged = try host.write { c -> Int in
                let plans = try PlanStore.lockOverdue(today: today, limit: 100, on: c)
                for var plan in plans {
                    let due = plan.nextReviewDue!
                    let writer = PlanWriter(host: host, catalog: catalog, connection: c, cause: Cause(actor: .system, correlationId: Identifier()))
                    try writer.flag(planId: plan.planId, caseId: plan.caseId, kind: .reviewOverdue, measureId: nil, on: today,
                                    reason: "review due on \(due) not held")
                    plan.overdueFlaggedFor = due
                    try PlanStore.update(plan, on: c)
                }
                return plans.count
            }
            if flagged < 100 { return }
        }
    }
}
