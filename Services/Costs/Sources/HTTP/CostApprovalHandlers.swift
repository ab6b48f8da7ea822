import Foundation
import IASContracts
import IASHTTP
import IASMessaging
import IASPostgres
import IASRuntime
import IASServiceKit

/// `/cost-approvals` and `GET /cases/{caseId}/budget`.
extension CostsApp {
    // MARK: Helpers


    /// The approval, locked, after the access check on its case and the If-Match check.
    func lockApproval(_ id: Identifier, _ context: RequestContext, on c: PostgresConnection) throws -> ApprovalRecord {
        guard let approval = try CostsStore.approval(id, lock: true, on: c) else { throw Refusal.notFound("no cost approval with this id") }
        try context.access(CaseRegistry.find(approval.caseId, on: c))
        try context.checkIfMatch(current: approval.etag)
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
        try Problem.throwIfInvalid(body.validate())
        do {
            return try host.write(context) { c in
                let entry = try context.access(CaseRegistry.find(body.caseId, on: c), forChange: true)
                let emitter = host.emitter(context.cause, on: c)
                // Serialises requests for the same measure.
                _ = try c.query("SELECT measure_id FROM measures WHERE measure_id = $1 FOR UPDATE", [body.measureId])
                guard let measure = try CostsStore.measure(body.measureId, on: c) else {
                    throw Refusal.breaksRule("the measure is not known from the plan (a measure planned a moment ago may take a second to arrive)",
                                                fields: [FieldError(field: "measureId", message: "unknown measure")])
                }
                guard measure.caseId == body.caseId else {
                    throw Refusal.breaksRule("the measure belongs to another case",
                                                fields: [FieldError(field: "measureId", message: "not a measure of this case")])
                }
                guard PlanFunding.needsApproval(measure.fundingSource) else {
                    throw Refusal.breaksRule("\(measure.catalogCode) is funded by \(measure.fundingSource.rawValue) and needs no cost approval")
                }
                if measure.fundingSource == .lumpSum, try CostsStore.budget(caseId: body.caseId, on: c) == nil {
                    throw Refusal.breaksRule(entry.status == .N
                        ? "an asylum seeker (status N) has no integration lump sum: only language courses (language funding) are paid before the regularisation"
                        : "the case has no integration lump sum yet")
                }
                if let open = try CostsStore.approvals(caseId: body.caseId, on: c).first(where: { $0.measureId == body.measureId && $0.status != .rejected }) {
                    throw Refusal.conflict("this measure already has a cost approval (\(open.status.rawValue))",
                                           details: ["existingApprovalId": .string(open.approvalId.description)])
                }
                let id = Identifier()
                try CostsStore.insertApproval(id: id, caseId: body.caseId, measureId: body.measureId, rappen: body.amountRappen,
                                              justification: body.justification, actor: context.actor, on: c)
                try emitter.emit(CostApprovalRequested(caseId: body.caseId, approvalId: id, measureId: body.measureId,
                                                       amountRappen: body.amountRappen, requestedByOrg: context.principal.organisation),
                                 caseId: body.caseId)
                return try approvalResponse(id, status: 201, on: c)
            }
        } catch let error as PostgresError where error.isUniqueViolation && error.constraint == "approvals_one_open_per_measure" {
            throw Refusal.conflict("this measure already has a cost approval")
        }
    }

    /// Only approvers of KSD or DVI get here (`Operation.decideCosts`).
    func decide(_ context: RequestContext) throws -> HTTPResponse {
        let id = try context.pathId("approvalId", "cost approval")
        let body = try context.request.decode(DecideApproval.self)
        return try host.write(context) { c in
            let approval = try lockApproval(id, context, on: c)
            guard approval.status == .requested else {
                throw Refusal.conflict("this cost approval is already decided (\(approval.status.rawValue))")
            }
            try Refusal.throwIfInvalid(body.validate(requested: approval.requestedRappen))
            let granted = BudgetRules.grantedAmount(decision: body.decision, requested: approval.requestedRappen, named: body.amountRappen)!
            let funding: FundingSource = body.fundingSource == .other ? .other : .lumpSum
            var threshold: BudgetThresholdReached?
            if granted > 0 && funding == .lumpSum {
                // The budget row lock makes concurrent grants of one case take turns: none can overdraw it.
                guard let budget = try CostsStore.lockBudget(caseId: approval.caseId, on: c) else {
                    throw Refusal.breaksRule("the case has no integration lump sum: grant it from another source (fundingSource \"other\") or reject it")
                }
                guard BudgetRules.fits(amount: granted, committed: budget.committedRappen, lumpSum: budget.lumpSumRappen) else {
                    throw Refusal.breaksRule("granting \(granted) Rappen would overdraw the lump sum: \(budget.remainingRappen) Rappen remain; grant less or name another funding source",
                                         details: ["remainingRappen": .number(Double(budget.remainingRappen))])
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
            let emitter = host.emitter(context.cause, on: c)
            try emitter.emit(CostApprovalDecided(caseId: approval.caseId, approvalId: id, measureId: approval.measureId, decision: body.decision,
                                                 grantedRappen: granted, fundingSource: funding, decidedOn: today), caseId: approval.caseId)
            if let threshold { try emitter.emit(threshold, caseId: approval.caseId) }
            return try approvalResponse(id, on: c)
        }
    }

    func bookCharge(_ context: RequestContext) throws -> HTTPResponse {
        let id = try context.pathId("approvalId", "cost approval")
        let body = try context.request.decode(BookCharge.self)
        try Problem.throwIfInvalid(body.validate(today: CalendarDate.today()))
        return try host.write(context) { c in
            let approval = try lockApproval(id, context, on: c)
            guard approval.isGranted else { throw Refusal.conflict("charges are booked only against a granted cost approval (this one is \(approval.status.rawValue))") }
            guard approval.chargedRappen + body.amountRappen <= approval.grantedRappen else {
                throw Refusal.breaksRule("the charges would exceed the grant: \(approval.grantedRappen - approval.chargedRappen) Rappen of it remain",
                                       details: ["remainingGrantRappen": .number(Double(approval.grantedRappen - approval.chargedRappen))])
            }
            let charge = ChargeRecord(chargeId: Identifier(), amountRappen: body.amountRappen, invoiceRef: body.invoiceRef,
                                      bookedOn: body.bookedOn, bookedByOrg: context.principal.organisation)
            guard try CostsStore.insertCharge(charge, approvalId: id, on: c) else {
                throw Refusal.conflict("invoice \(body.invoiceRef) is already booked against this cost approval")
            }
            if approval.fundingSource == .lumpSum {
                _ = try CostsStore.lockBudget(caseId: approval.caseId, on: c)
                try CostsStore.spend(caseId: approval.caseId, rappen: body.amountRappen, on: c)
            }
            try host.emitter(context.cause, on: c).emit(ChargeBooked(caseId: approval.caseId, approvalId: id, measureId: approval.measureId,
                                                                     amountRappen: body.amountRappen, bookedOn: body.bookedOn),
                                                        caseId: approval.caseId)
            return try approvalResponse(id, status: 201, on: c)
        }
    }

    // MARK: Reads

    func getApproval(_ context: RequestContext) throws -> HTTPResponse {
        let id = try context.pathId("approvalId", "cost approval")
        return try host.read { c in
            guard let approval = try CostsStore.approval(id, on: c) else { throw Refusal.notFound("no cost approval with this id") }
            try context.access(CaseRegistry.find(approval.caseId, on: c))
            return try approvalResponse(id, on: c)
        }
    }

    func listApprovals(_ context: RequestContext) throws -> HTTPResponse {
        let request = context.request
        let page = try Pagination(request)
        var query = QueryParameters(request)
        let status = query.value("status", "must be requested, granted, partially_granted or rejected") { ApprovalStatus(rawValue: $0) }
        let caseId = query.identifier("caseId", "must be a case id")
        try query.throwIfInvalid()
        let municipality = try context.listedMunicipality(refusal: "your organisation has no access to cost approvals")
        context.recordFilter(["status": status?.rawValue, "caseId": caseId?.description, "cursor": page.after?.description,
                              "limit": String(page.limit)])
        let rows = try host.read { c in
            try CostsStore.search(status: status, caseId: caseId, municipality: municipality, after: page.after, limit: page.fetchLimit, on: c)
        }
        let listed = page.page(rows) { $0.approvalId }
        context.disclose(listed.items.map { DisclosedRecord(caseId: $0.caseId, personId: nil) })
        return .json(listed)
    }

    func budget(_ context: RequestContext) throws -> HTTPResponse {
        let caseId = try context.pathId("caseId", "case")
        return try host.read { c in
            try context.access(CaseRegistry.find(caseId, on: c))
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

