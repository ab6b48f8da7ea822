import Foundation
import IASContracts
import IASHTTP
import IASMessaging
import IASPostgres
import IASRuntime
import IASServiceKit

/// The costs service: the integration lump sum of each VA/FL case, cost approvals
/// (Kostengutsprachen) for the measures of the plan, and the charges booked against them.
public final class CostsApp: Sendable {
    let host: ServiceHost
    let lumpSumRappen: Int
    let thresholdPercent: Int

    /// The topics this service consumes.
    static let consumedTopics = [Topics.intake, Topics.plan]

    public init(host: ServiceHost, lumpSumRappen: Int = 1_800_000, thresholdPercent: Int = 80) {
        self.host = host; self.lumpSumRappen = lumpSumRappen; self.thresholdPercent = thresholdPercent
    }

    /// Entry point of the `ias-costs` executable.
    public static func main() -> Never {
        ServiceMain.run("costs") {
            var lumpSum = 1_800_000, threshold = 80
            let host = try ServiceHost(service: "costs", defaultPort: 8084, publishes: [Topics.costs], resources: Bundle.module,
                                       usesCaseRegistry: true) { reader in
                lumpSum = reader.int("IAS_LUMP_SUM_RAPPEN", default: 1_800_000, range: 0...100_000_000)
                threshold = reader.int("IAS_BUDGET_THRESHOLD_PERCENT", default: 80, range: 1...100)
            }
            CostsApp(host: host, lumpSumRappen: lumpSum, thresholdPercent: threshold).register()
            return host
        }
    }

    public func register() {
        let handlers = CostsEventHandlers(host: host, lumpSumRappen: lumpSumRappen)
        host.subscribe(EventSubscription(name: "cases", topics: Self.consumedTopics) { envelope, connection in
            try handlers.apply(envelope, on: connection)
        })
        host.route("POST", "/cost-approvals", .writeCases) { [self] context in try requestApproval(context) }
        host.route("GET", "/cost-approvals", .readCases) { [self] context in try listApprovals(context) }
        host.route("GET", "/cost-approvals/{approvalId}", .readCases) { [self] context in try getApproval(context) }
        host.route("POST", "/cost-approvals/{approvalId}/decision", .decideCosts) { [self] context in try decide(context) }
        host.route("POST", "/cost-approvals/{approvalId}/charges", .writeCases) { [self] context in try bookCharge(context) }
        host.route("GET", "/cases/{caseId}/budget", .readCases) { [self] context in try budget(context) }
    }

    // MARK: Helpers

    func emit<E: EventPayload>(_ event: E, caseId: Identifier, _ context: RequestContext, on c: PostgresConnection) throws {
        try host.publish(try EventEnvelope(event, subject: caseId.description, actor: context.actor,
                                           correlationid: host.correlationId(for: context.request)),
                         to: Topics.costs, on: c)
    }

    /// 404 for an unknown case, 403 unless the caller's organisation may reach it.
    @discardableResult
    func requireCase(_ caseId: Identifier, _ context: RequestContext, on c: PostgresConnection) throws -> CaseRegistry.Entry {
        guard let entry = try CaseRegistry.find(caseId, on: c) else { throw Problem.notFound("no case with this id") }
        try context.requireCaseAccess(responsibleOrg: entry.responsibleOrg, caseId: caseId)
        return entry
    }

    func approvalId(_ context: RequestContext) throws -> Identifier {
        guard let id = Identifier(try context.request.parameter("approvalId")) else { throw Problem.notFound("no cost approval with this id") }
        return id
    }

    /// The approval, locked, after the access check on its case and the If-Match check.
    func lockApproval(_ id: Identifier, _ context: RequestContext, on c: PostgresConnection) throws -> ApprovalRecord {
        guard let approval = try CostsStore.approval(id, lock: true, on: c) else { throw Problem.notFound("no cost approval with this id") }
        try requireCase(approval.caseId, context, on: c)
        if let expected = context.request.header("If-Match"), expected != "*", expected != approval.etag {
            throw Problem.conflict("the cost approval was changed in the meantime (current version \(approval.etag)); reload it")
        }
        return approval
    }

    func approvalResponse(_ id: Identifier, status: Int = 200, on c: PostgresConnection) throws -> HTTPResponse {
        var approval = try CostsStore.approval(id, on: c)!
        approval.charges = try CostsStore.charges(approvalId: id, on: c)
        return .json(approval, status: status, headers: [("ETag", approval.etag), ("Location", "/cost-approvals/\(id)")])
    }

    // MARK: Requests

    func requestApproval(_ context: RequestContext) throws -> HTTPResponse {
        let body = try context.request.decode(RequestApproval.self)
        let errors = body.validate()
        guard errors.isEmpty else { throw Problem.validation(errors) }
        do {
            return try host.write(context) { c in
                let entry = try requireCase(body.caseId, context, on: c)
                guard entry.closedOn == nil else { throw Problem.conflict("the case is closed") }
                // Serialises requests for the same measure.
                _ = try c.query("SELECT measure_id FROM measures WHERE measure_id = $1 FOR UPDATE", [body.measureId])
                guard let measure = try CostsStore.measure(body.measureId, on: c) else {
                    throw Problem.unprocessable("the measure is not known from the plan (a measure planned a moment ago may take a second to arrive)",
                                                errors: [FieldError(field: "measureId", message: "unknown measure")])
                }
                guard measure.caseId == body.caseId else {
                    throw Problem.unprocessable("the measure belongs to another case",
                                                errors: [FieldError(field: "measureId", message: "not a measure of this case")])
                }
                guard PlanFunding.needsApproval(measure.fundingSource) else {
                    throw Problem.unprocessable("\(measure.catalogCode) is funded by \(measure.fundingSource.rawValue) and needs no cost approval")
                }
                if measure.fundingSource == .lumpSum, try CostsStore.budget(caseId: body.caseId, on: c) == nil {
                    throw Problem.unprocessable(entry.status == .N
                        ? "an asylum seeker (status N) has no integration lump sum: only language courses (language funding) are paid before the regularisation"
                        : "the case has no integration lump sum yet")
                }
                if let open = try CostsStore.approvals(caseId: body.caseId, on: c).first(where: { $0.measureId == body.measureId && $0.status != .rejected }) {
                    throw Problem.conflict("this measure already has a cost approval (\(open.status.rawValue))",
                                           extensions: ["existingApprovalId": .string(open.approvalId.description)])
                }
                let id = Identifier()
                try CostsStore.insertApproval(id: id, caseId: body.caseId, measureId: body.measureId, rappen: body.amountRappen,
                                              justification: body.justification, actor: context.actor, on: c)
                try emit(CostApprovalRequested(caseId: body.caseId, approvalId: id, measureId: body.measureId, amountRappen: body.amountRappen,
                                               requestedByOrg: context.principal.organisation), caseId: body.caseId, context, on: c)
                return try approvalResponse(id, status: 201, on: c)
            }
        } catch let error as PostgresError where error.isUniqueViolation && error.constraint == "approvals_one_open_per_measure" {
            throw Problem.conflict("this measure already has a cost approval")
        }
    }

    /// Only approvers of KSD or DVI get here (`Operation.decideCosts`).
    func decide(_ context: RequestContext) throws -> HTTPResponse {
        let id = try approvalId(context)
        let body = try context.request.decode(DecideApproval.self)
        return try host.write(context) { c in
            let approval = try lockApproval(id, context, on: c)
            guard approval.status == .requested else {
                throw Problem.conflict("this cost approval is already decided (\(approval.status.rawValue))")
            }
            let errors = body.validate(requested: approval.requestedRappen)
            guard errors.isEmpty else { throw Problem.validation(errors) }
            let granted = BudgetRules.grantedAmount(decision: body.decision, requested: approval.requestedRappen, named: body.amountRappen)!
            let funding: FundingSource = body.fundingSource == .other ? .other : .lumpSum
            var threshold: BudgetThresholdReached?
            if granted > 0 && funding == .lumpSum {
                // The budget row lock makes concurrent grants of one case take turns: none can overdraw it.
                guard let budget = try CostsStore.lockBudget(caseId: approval.caseId, on: c) else {
                    throw Problem.unprocessable("the case has no integration lump sum: grant it from another source (fundingSource \"other\") or reject it")
                }
                guard BudgetRules.fits(amount: granted, committed: budget.committedRappen, lumpSum: budget.lumpSumRappen) else {
                    throw Problem(status: 422, title: "Unprocessable Content",
                                  detail: "granting \(granted) Rappen would overdraw the lump sum: \(budget.remainingRappen) Rappen remain; grant less or name another funding source",
                                  extensions: ["remainingRappen": .number(Double(budget.remainingRappen))])
                }
                let after = budget.committedRappen + granted
                let reaches = !budget.thresholdReached && BudgetRules.reaches(committed: after, lumpSum: budget.lumpSumRappen, percent: thresholdPercent)
                try CostsStore.commit(caseId: approval.caseId, rappen: granted, thresholdReached: reaches, on: c)
                if reaches {
                    threshold = BudgetThresholdReached(caseId: approval.caseId, thresholdPercent: thresholdPercent,
                                                       committedRappen: after, lumpSumRappen: budget.lumpSumRappen)
                }
            }
            let status: ApprovalStatus = switch body.decision {
            case .granted: .granted
            case .partiallyGranted: .partiallyGranted
            case .rejected: .rejected
            }
            let today = CalendarDate.today()
            try CostsStore.decide(id, status: status, granted: granted, funding: funding, reason: body.reason, actor: context.actor, on: today, on: c)
            try emit(CostApprovalDecided(caseId: approval.caseId, approvalId: id, measureId: approval.measureId, decision: body.decision,
                                         grantedRappen: granted, fundingSource: funding, decidedOn: today), caseId: approval.caseId, context, on: c)
            if let threshold { try emit(threshold, caseId: approval.caseId, context, on: c) }
            return try approvalResponse(id, on: c)
        }
    }

    func bookCharge(_ context: RequestContext) throws -> HTTPResponse {
        let id = try approvalId(context)
        let body = try context.request.decode(BookCharge.self)
        let errors = body.validate(today: CalendarDate.today())
        guard errors.isEmpty else { throw Problem.validation(errors) }
        return try host.write(context) { c in
            let approval = try lockApproval(id, context, on: c)
            guard approval.isGranted else { throw Problem.conflict("charges are booked only against a granted cost approval (this one is \(approval.status.rawValue))") }
            guard approval.chargedRappen + body.amountRappen <= approval.grantedRappen else {
                throw Problem(status: 422, title: "Unprocessable Content",
                              detail: "the charges would exceed the grant: \(approval.grantedRappen - approval.chargedRappen) Rappen of it remain",
                              extensions: ["remainingGrantRappen": .number(Double(approval.grantedRappen - approval.chargedRappen))])
            }
            let charge = ChargeRecord(chargeId: Identifier(), amountRappen: body.amountRappen, invoiceRef: body.invoiceRef,
                                      bookedOn: body.bookedOn, bookedByOrg: context.principal.organisation)
            guard try CostsStore.insertCharge(charge, approvalId: id, on: c) else {
                throw Problem.conflict("invoice \(body.invoiceRef) is already booked against this cost approval")
            }
            if approval.fundingSource == .lumpSum {
                _ = try CostsStore.lockBudget(caseId: approval.caseId, on: c)
                try CostsStore.spend(caseId: approval.caseId, rappen: body.amountRappen, on: c)
            }
            try emit(ChargeBooked(caseId: approval.caseId, approvalId: id, measureId: approval.measureId, amountRappen: body.amountRappen,
                                  bookedOn: body.bookedOn), caseId: approval.caseId, context, on: c)
            return try approvalResponse(id, status: 201, on: c)
        }
    }

    // MARK: Reads

    func getApproval(_ context: RequestContext) throws -> HTTPResponse {
        let id = try approvalId(context)
        return try host.read { c in
            guard let approval = try CostsStore.approval(id, on: c) else { throw Problem.notFound("no cost approval with this id") }
            try requireCase(approval.caseId, context, on: c)
            return try approvalResponse(id, on: c)
        }
    }

    func listApprovals(_ context: RequestContext) throws -> HTTPResponse {
        let request = context.request
        let page = try Pagination(request)
        var errors: [FieldError] = []
        var status: ApprovalStatus?
        if let text = request.query["status"] {
            status = ApprovalStatus(rawValue: text)
            if status == nil { errors.append(FieldError(field: "status", message: "must be requested, granted, partially_granted or rejected")) }
        }
        var caseId: Identifier?
        if let text = request.query["caseId"] {
            caseId = Identifier(text)
            if caseId == nil { errors.append(FieldError(field: "caseId", message: "must be a case id")) }
        }
        guard errors.isEmpty else { throw Problem.validation(errors) }
        var municipality: Int?
        switch AccessPolicy.caseScope(context.organisation) {
        case .every: break
        case .municipality(let own): municipality = own
        case .none: throw Problem.forbidden("your organisation has no access to cost approvals")
        }
        context.recordFilter(["status": status?.rawValue, "caseId": caseId?.description, "cursor": page.after?.description,
                              "limit": String(page.limit)])
        let rows = try host.read { c in
            try CostsStore.search(status: status, caseId: caseId, municipality: municipality, after: page.after, limit: page.limit + 1, on: c)
        }
        let items = Array(rows.prefix(page.limit))
        context.disclose(items.map { DisclosedRecord(caseId: $0.caseId, personId: nil) })
        return .json(Page(items: items, nextCursor: rows.count > page.limit ? items.last?.approvalId.description : nil))
    }

    func budget(_ context: RequestContext) throws -> HTTPResponse {
        guard let caseId = Identifier(try context.request.parameter("caseId")) else { throw Problem.notFound("no case with this id") }
        return try host.read { c in
            try requireCase(caseId, context, on: c)
            let budget = try CostsStore.budget(caseId: caseId, on: c)
            let approvals = try CostsStore.approvals(caseId: caseId, on: c)
            let other = approvals.filter { $0.fundingSource == .other }.reduce(0) { $0 + $1.grantedRappen }
            return .json(BudgetView(caseId: caseId, budgetOpen: budget != nil, openedOn: budget?.openedOn,
                                    lumpSumRappen: budget?.lumpSumRappen ?? 0, committedRappen: budget?.committedRappen ?? 0,
                                    spentRappen: budget?.spentRappen ?? 0, remainingRappen: budget?.remainingRappen ?? 0,
                                    otherFundingCommittedRappen: other, thresholdReached: budget?.thresholdReached ?? false,
                                    approvals: approvals))
        }
    }
}

/// Which funding sources go through a cost approval: those that cost the lump sum (or, when
/// the canton names it, another source). Language funding and regular structures do not.
enum PlanFunding {
    static func needsApproval(_ funding: FundingSource) -> Bool { funding == .lumpSum || funding == .other }
}
