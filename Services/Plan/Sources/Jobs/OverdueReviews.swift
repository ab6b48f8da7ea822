import Foundation
import IASContracts
import IASHTTP
import IASPostgres
import IASRuntime
import IASServiceKit

/// The scheduled job that flags plans whose review is overdue.
extension PlanApp {
    // MARK: Overdue reviews

    /// Flags each active plan whose review is overdue, once per due date.
    func flagOverdueReviews(today: CalendarDate) throws {
        while true {
            let flagged = try host.write { c -> Int in
                let plans = try PlanStore.lockOverdue(today: today, limit: 100, on: c)
                for var plan in plans {
                    let due = plan.nextReviewDue!
                    let writer = PlanWriter(catalog: catalog, emitter: host.emitter(.own(), on: c))
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
