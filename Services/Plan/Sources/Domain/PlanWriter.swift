import Foundation
import IASContracts
import IASHTTP
import IASMessaging
import IASPostgres
import IASRuntime
import IASServiceKit

/// The plan's changes together with their events, inside the caller's transaction. Used by
/// the HTTP handlers and by the event handlers alike, so that both follow the same rules.
struct PlanWriter {
    let catalog: Catalog
    /// The plan's events, in the transaction of the change, with its cause.
    let emitter: Emitter
    var connection: PostgresConnection { emitter.connection }
    var cause: Cause { emitter.cause }

    func emit<E: EventPayload>(_ event: E, caseId: Identifier) throws {
        try emitter.emit(event, caseId: caseId)
    }

    /// Drafts the plan from a pathway, or re-drafts it for a new target group: measures that are
    /// still only planned are dropped (their history stays), the rest is kept and not planned twice.
    func draft(caseId: Identifier, targetGroup: TargetGroup, pathwayCode: String, status: ResidenceStatus, on date: CalendarDate) throws {
        let pathway = catalog.pathway(code: pathwayCode, targetGroup: targetGroup)
        var plan: PlanRow
        var kept = Set<String>()
        if let existing = try PlanStore.lockPlan(caseId: caseId, on: connection) {
            plan = existing
            guard plan.status != .closed else { return }
            for m in try PlanStore.measures(planId: plan.planId, on: connection) {
                if m.status == .planned && m.origin == "pathway" {
                    try move(m, to: .dropped, on: date, reason: "re-drafted for target group \(targetGroup.rawValue)", flagDeviation: false)
                } else if ![.dropped, .interrupted].contains(m.status) {
                    kept.insert(m.catalogCode)
                }
            }
            plan.targetGroup = targetGroup
            plan.pathway = pathway.code
            plan.catalogVersion = catalog.pathwaysVersion
        } else {
            plan = try PlanStore.insertPlan(planId: Identifier(), caseId: caseId, targetGroup: targetGroup, pathway: pathway.code,
                                            catalogVersion: catalog.pathwaysVersion, deferred: [], on: connection)
        }
        let steps = PlanDrafting.steps(pathway: pathway, catalog: catalog, status: status, startingOn: date, existingCodes: kept)
        plan.deferredSteps = steps.deferred
        plan = try PlanStore.update(plan, on: connection)
        try emit(PlanDrafted(caseId: caseId, planId: plan.planId, targetGroup: targetGroup, pathway: pathway.code), caseId: caseId)
        for step in steps.planned {
            try addMeasure(plan: plan, measure: step.measure, funding: step.fundingSource, provider: nil, startsOn: step.startsOn,
                           endsOn: step.endsOn, estimatedCostRappen: step.measure.indicativeCostRappen, origin: "pathway", on: date)
        }
    }

    /// On regularisation: the pathway steps held back for an asylum seeker are planned now.
    func planDeferredSteps(caseId: Identifier, on date: CalendarDate) throws {
        guard var plan = try PlanStore.lockPlan(caseId: caseId, on: connection), plan.status != .closed, !plan.deferredSteps.isEmpty else { return }
        let existing = Set(try PlanStore.measures(planId: plan.planId, on: connection)
            .filter { ![.dropped, .interrupted].contains($0.status) }.map(\.catalogCode))
        let pathway = catalog.pathway(code: plan.pathway, targetGroup: plan.targetGroup)
        let steps = PlanDrafting.steps(pathway: pathway, catalog: catalog, status: .VA, startingOn: date, existingCodes: existing)
        let deferred = Set(plan.deferredSteps)
        plan.deferredSteps = []
        plan = try PlanStore.update(plan, on: connection)
        for step in steps.planned where deferred.contains(step.measure.code) {
            try addMeasure(plan: plan, measure: step.measure, funding: step.fundingSource, provider: nil, startsOn: step.startsOn,
                           endsOn: step.endsOn, estimatedCostRappen: step.measure.indicativeCostRappen, origin: "pathway", on: date)
        }
    }

    /// Plans one measure (MeasurePlanned); a measure that costs the lump sum nothing is approved at once.
    @discardableResult
    func addMeasure(plan: PlanRow, measure: CatalogMeasure, funding: FundingSource, provider: String?, startsOn: CalendarDate,
                    endsOn: CalendarDate?, estimatedCostRappen: Int, origin: String, on date: CalendarDate) throws -> Identifier {
        let event = MeasurePlanned(caseId: plan.caseId, planId: plan.planId, measureId: Identifier(), catalogCode: measure.code,
                                   fieldOfAction: measure.fieldOfAction, fundingSource: funding, partner: measure.partner, provider: provider,
                                   startsOn: startsOn, endsOn: endsOn, estimatedCostRappen: estimatedCostRappen)
        try PlanStore.insertMeasure(event, origin: origin, on: connection)
        try PlanStore.recordMove(event.measureId, from: nil, to: .planned, on: date, reason: nil, actorOrg: cause.actor.organisation, on: connection)
        try emit(event, caseId: plan.caseId)
        if !PlanDrafting.needsCostApproval(funding), let row = try PlanStore.lockMeasure(event.measureId, on: connection) {
            try move(row, to: .approved, on: date, reason: "funded by \(funding.rawValue): no cost approval needed", flagDeviation: false)
        }
        return event.measureId
    }

    /// Moves a measure (MeasureStatusChanged); leaving early flags a deviation (PlanDeviationFlagged).
    func move(_ m: PlanStore.MeasureRow, to: MeasureStatus, on date: CalendarDate, reason: String?, flagDeviation: Bool = true) throws {
        try PlanStore.setStatus(m.measureId, from: m.status, to: to, on: date, reason: reason, actorOrg: cause.actor.organisation, on: connection)
        try emit(MeasureStatusChanged(caseId: m.caseId, planId: m.planId, measureId: m.measureId, catalogCode: m.catalogCode,
                                      from: m.status, to: to, on: date, reason: reason), caseId: m.caseId)
        if flagDeviation, MeasureStateMachine.isDeviation(to) {
            let kind: DeviationKind = to == .interrupted ? .interrupted : .dropped
            try flag(planId: m.planId, caseId: m.caseId, kind: kind, measureId: m.measureId, on: date, reason: reason)
        }
    }

    func flag(planId: Identifier, caseId: Identifier, kind: DeviationKind, measureId: Identifier?, on date: CalendarDate, reason: String?) throws {
        try PlanStore.insertDeviation(DeviationView(deviationId: Identifier(), kind: kind, measureId: measureId, on: date, reason: reason),
                                      planId: planId, on: connection)
        try emit(PlanDeviationFlagged(caseId: caseId, planId: planId, kind: kind, measureId: measureId, on: date), caseId: caseId)
    }

    /// Walks a measure through several moves (a partner's answer can stand for more than one).
    func walk(_ measureId: Identifier, through path: [MeasureStatus], on date: CalendarDate, reason: String?) throws {
        for next in path {
            guard let m = try PlanStore.lockMeasure(measureId, on: connection) else { return }
            try move(m, to: next, on: date, reason: reason)
        }
    }
}
