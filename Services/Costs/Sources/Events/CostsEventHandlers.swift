import Foundation
import IASContracts
import IASMessaging
import IASPostgres
import IASRuntime
import IASServiceKit

/// What costs follows: the registrations and regularisations that open a budget, and the
/// plan's measures that approvals refer to.
struct CostsEventHandlers {
    let host: ServiceHost
    let lumpSumRappen: Int

    func apply(_ envelope: EventEnvelope, on c: PostgresConnection) throws {
        try CaseRegistry.apply(envelope, on: c)
        switch envelope.type {
        case PersonRegistered.eventType:
            let e = try envelope.payload(PersonRegistered.self)
            if BudgetRules.opensBudget(e.status) {
                try open(caseId: e.caseId, on: e.statusDecidedOn ?? e.enteredCantonOn, cause: envelope, c)
            }
        case StatusRegularized.eventType:
            let e = try envelope.payload(StatusRegularized.self)
            if BudgetRules.opensBudget(e.status) { try open(caseId: e.caseId, on: e.decidedOn, cause: envelope, c) }
        case MeasurePlanned.eventType:
            try CostsStore.rememberMeasure(try envelope.payload(MeasurePlanned.self), on: c)
        case MeasureStatusChanged.eventType:
            let e = try envelope.payload(MeasureStatusChanged.self)
            try CostsStore.setMeasureStatus(e.measureId, e.to, on: c)
        default:
            break
        }
    }

    private func open(caseId: Identifier, on date: CalendarDate, cause: EventEnvelope, _ c: PostgresConnection) throws {
        guard try CostsStore.openBudget(caseId: caseId, lumpSum: lumpSumRappen, openedOn: date, on: c) else { return }
        try host.emitter(Cause(event: cause), on: c).emit(BudgetOpened(caseId: caseId, lumpSumRappen: lumpSumRappen, openedOn: date),
                                                          caseId: caseId)
    }
}
