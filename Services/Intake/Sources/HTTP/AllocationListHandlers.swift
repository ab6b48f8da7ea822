import Foundation
import IASContracts
import IASHTTP
import IASMessaging
import IASPostgres
import IASRuntime
import IASServiceKit

extension IntakeApp {
    /// `POST /allocation-lists`: registers the rows of a federal allocation list that pass the
    /// rules of `POST /persons` and answers for every row. The whole list is one transaction:
    /// the persons, their PersonRegistered events and the stored answer of an Idempotency-Key
    /// commit together or not at all.
    func registerAllocationList(_ context: RequestContext) throws -> HTTPResponse {
        // Each row is checked against the caller's scope; an office with no cases at all has no list to send.
        guard AccessPolicy.caseScope(context.organisation) != .none else {
            throw Problem.forbidden("your organisation registers no persons")
        }
        let request = context.request
        let list = try request.decode(AllocationListRequest.self)
        try Problem.throwIfInvalid(list.validate())
        let readable = list.persons.compactMap { row -> RegisterPersonRequest? in
            if case .readable(let person) = row { return person } else { return nil }
        }
        let birthDates = Set(readable.map(\.dateOfBirth))
        let zemisNumbers = Set(readable.compactMap { $0.zemisNumber.map(Validation.normalizedZemis) })
        let triage = AllocationTriage(today: CalendarDate.today(), organisation: context.organisation)
        let actor = context.actor
        context.recordFilter(["listRef": list.listRef])

        var attempt = 0
        while true {
            attempt += 1
            do {
                return try host.write(context) { connection in
                    try AllocationListStore.lockBirthDates(birthDates, on: connection)
                    var known = AllocationTriage.Known()
                    for person in try AllocationListStore.persons(withZemis: zemisNumbers, on: connection) {
                        if let zemis = person.zemisNumber { known.byZemis[zemis] = person.identity }
                    }
                    for person in try AllocationListStore.persons(bornOn: birthDates, on: connection) {
                        known.byBirthDate[person.dateOfBirth, default: []].append(person.identity)
                    }
                    let (rows, registrations) = triage.triage(list.persons, known: known)
                    let result = AllocationListResult(listId: Identifier(), listRef: list.listRef, allocatedOn: list.allocatedOn, rows: rows)
                    try AllocationListStore.insertList(result.listId, list, result: result, actor: actor, on: connection)
                    let persons = try PersonStore.insert(registrations, listId: result.listId, on: connection)
                    // The event of POST /persons, one per registered row, appended in one statement.
                    try host.emitter(context.cause, on: connection).emit(all: persons.map { ($0.published, $0.caseId) })
                    context.disclose(persons.map { DisclosedRecord(caseId: $0.caseId, personId: $0.personId) }
                        + rows.flatMap(\.matched).map { DisclosedRecord(caseId: $0.caseId, personId: $0.personId) })
                    return .json(result)
                }
            } catch let error as PostgresError where error.isUniqueViolation && error.constraint == "persons_zemis_number_key" && attempt < 3 {
                // A registration of one of the list's ZEMIS numbers committed after the lookup
                // (another birth date, so no shared lock): run again; the row is then a duplicate.
                continue
            }
        }
    }
}
