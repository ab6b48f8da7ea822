import Foundation
import IASContracts
import IASMessaging
import IASPostgres
import IASRuntime
import IASServiceKit

/// Not an error of the message: it refers to something another topic has not delivered yet
/// (the registration of the case). Retried with backoff until it has arrived.
struct WaitingForRegistration: Error, CustomStringConvertible {
    let eventId: Identifier
    var description: String { "event \(eventId) refers to a case whose registration has not arrived yet" }
}

/// What the plan follows from the other services, applied once each in the inbox transaction.
struct PlanEventHandlers {
    let host: ServiceHost
    let catalog: Catalog

    func apply(_ envelope: EventEnvelope, on c: PostgresConnection) throws {
        let writer = PlanWriter(catalog: catalog, emitter: host.emitter(Cause(event: envelope), on: c))
        switch envelope.type {
        case TargetGroupAssigned.eventType:
            let e = try envelope.payload(TargetGroupAssigned.self)
            guard let entry = try CaseRegistry.find(e.caseId, on: c) else { throw WaitingForRegistration(eventId: envelope.id) }
            try writer.draft(caseId: e.caseId, targetGroup: e.targetGroup, pathwayCode: e.pathway, status: entry.status, on: e.decidedOn)
        case StatusRegularized.eventType:
            let e = try envelope.payload(StatusRegularized.self)
            try CaseRegistry.apply(envelope, on: c)
            try writer.planDeferredSteps(caseId: e.caseId, on: e.decidedOn)
        case ResponsibilityTransferred.eventType:
            let e = try envelope.payload(ResponsibilityTransferred.self)
            try CaseRegistry.apply(envelope, on: c)
            if case .municipality? = Organisation(e.toOrg), e.reason != .delegation {
                try issueFinalReport(e, cause: envelope.id, writer: writer)
            }
        case CaseClosed.eventType:
            let e = try envelope.payload(CaseClosed.self)
            try CaseRegistry.apply(envelope, on: c)
            if var plan = try PlanStore.lockPlan(caseId: e.caseId, on: c), plan.status != .closed {
                plan.status = .closed
                try PlanStore.update(plan, on: c)
            }
        case CostApprovalDecided.eventType:
            let e = try envelope.payload(CostApprovalDecided.self)
            guard let m = try PlanStore.lockMeasure(e.measureId, on: c), m.caseId == e.caseId else {
                throw EventRejected("event \(envelope.id): measure \(e.measureId) is not a measure of case \(e.caseId)")
            }
            guard e.decision != .rejected else { return }   // a rejected measure stays planned; a new request may follow
            try PlanStore.setGranted(m.measureId, rappen: e.grantedRappen, on: c)
            if m.status == .planned {
                try writer.move(m, to: .approved, on: e.decidedOn, reason: "cost approval \(e.decision.rawValue)")
            }
        case PartnerUpdateReceived.eventType:
            let e = try envelope.payload(PartnerUpdateReceived.self)
            guard let m = try PlanStore.lockMeasure(e.measureId, on: c), m.caseId == e.caseId else {
                throw EventRejected("event \(envelope.id): measure \(e.measureId) is not a measure of case \(e.caseId)")
            }
            let reason = "reported by \(e.partner)"
            switch e.update {
            case .accepted:
                break
            case .enrolled:
                try writer.walk(m.measureId, through: MeasureStateMachine.pathForPartnerEnrolment(from: m.status), on: e.on, reason: reason)
            case .ended:
                guard let path = MeasureStateMachine.pathForPartnerEnd(from: m.status, outcome: e.outcome ?? "") else {
                    throw EventRejected("event \(envelope.id): an ended update needs the outcome completed, interrupted or dropped")
                }
                try writer.walk(m.measureId, through: path, on: e.on, reason: reason)
            }
        default:
            try CaseRegistry.apply(envelope, on: c)
        }
    }

    /// The final report (Schlussbericht) at a handover to a municipality: a frozen copy of the
    /// plan as it stood, which the receiving municipality reads.
    private func issueFinalReport(_ e: ResponsibilityTransferred, cause: Identifier, writer: PlanWriter) throws {
        let c = writer.connection
        guard let plan = try PlanStore.lockPlan(caseId: e.caseId, on: c) else { return }   // no plan yet: nothing to report
        let report = FinalReport(reportId: Identifier(), caseId: e.caseId, planId: plan.planId, issuedOn: e.effectiveOn,
                                 fromOrg: e.fromOrg, toOrg: e.toOrg, plan: try PlanStore.view(of: plan, catalog: catalog, on: c))
        guard try PlanStore.insertFinalReport(report, causeEvent: cause, on: c) else { return }
        try writer.emit(FinalReportIssued(caseId: e.caseId, planId: plan.planId, reportId: report.reportId, issuedOn: e.effectiveOn,
                                          fromOrg: e.fromOrg, toOrg: e.toOrg), caseId: e.caseId)
    }
}
