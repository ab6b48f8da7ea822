import Foundation
import IASContracts
import IASPostgres
import IASMessaging
import IASRuntime
import IASServiceKit

/// The scheduled job that closes cases at the end of the integration process.
extension IntakeApp {
    /// The integration process ends at the latest 7 years after entry. Closes every open case
    /// past that limit, in batches; each case in the transaction that publishes its closure.
    /// Instances running at the same time skip each other's locked rows, and a closed case is
    /// never selected again, so the job is safe to repeat.
    func closeCasesPastMaximumDuration(today: CalendarDate) throws -> Int {
        let batch = 100
        var total = 0
        while true {
            let closed = try host.write { connection -> Int in
                let due = try PersonLifecycleStore.lockOpenCasesPastMaximum(today: today, limit: batch, on: connection)
                for person in due {
                    // The case ended on the day the limit was reached, even when the job ran later.
                    let closedOn = min(person.enteredCantonOn.adding(years: 7), today)
                    _ = try PersonLifecycleStore.close(person.personId, reason: .maxDuration, on: closedOn, outcome: nil, on: connection)
                    try host.emitter(.own(Self.autoClosureActor), on: connection)
                        .emit(CaseClosed(personId: person.personId, caseId: person.caseId, reason: .maxDuration, closedOn: closedOn),
                              caseId: person.caseId)
                }
                return due.count
            }
            total += closed
            if closed < batch { return total }
        }
    }

    static let autoClosureActor = Actor(subject: "auto-closure", organisation: "system")
}
