import Foundation
import IASContracts
import IASHTTP
import IASMessaging
import IASPostgres
import IASRuntime
import IASServiceKit

/// The changes of a case after registration: corrections, regularisation, handovers and closure.
/// Each one locks the person's row, checks access and state, changes it and appends its event
/// in one transaction.
extension IntakeApp {
    // MARK: Corrections

    func correctPerson(_ context: RequestContext) throws -> HTTPResponse {
        let request = context.request
        let personId = try context.pathId("personId", "person")
        let body = try request.decode(CorrectPersonRequest.self)
        return try host.write(context) { connection in
            let person = try lockAccessibleOpenCase(personId, context: context, versionRequired: true, on: connection)
            try Refusal.throwIfInvalid(body.validate(today: CalendarDate.today(), current: person))
            let changes = try body.changes(comparedWith: person)
            guard !changes.isEmpty else { return .json(person, headers: [("ETag", person.etag)]) }
            if let zemis = changes["zemisNumber"]?.stringValue, let other = try PersonStore.findByZemis(zemis, on: connection),
               other.personId != person.personId {
                throw KnownPerson.zemisConflict(other.identity, context: context, detail: "another person is registered with this ZEMIS number")
            }
            let corrected = try PersonLifecycleStore.correct(personId, body, on: connection)
            try host.emitter(context.cause, on: connection)
                .emit(PersonDataCorrected(personId: personId, caseId: person.caseId, changes: changes, version: corrected.version), caseId: person.caseId)
            return .json(corrected, headers: [("ETag", corrected.etag)])
        }
    }

    // MARK: Regularisation

    func regularize(_ context: RequestContext) throws -> HTTPResponse {
        let personId = try context.pathId("personId", "person")
        let body = try context.request.decode(RegularizationRequest.self)
        try Problem.throwIfInvalid(body.validate(today: CalendarDate.today()))
        return try host.write(context) { connection in
            let person = try lockAccessibleOpenCase(personId, context: context, on: connection)
            guard person.status == .N else {
                throw Refusal.conflict("only an asylum seeker (status N) is regularised; this person already has status \(person.status.rawValue)")
            }
            if let decided = person.statusDecidedOn, body.decidedOn < decided {
                throw Refusal.breaksRule("decidedOn lies before the previous decision", fields: [FieldError(field: "decidedOn", message: "must not be before \(decided)")])
            }
            let updated = try PersonLifecycleStore.regularize(personId, to: body.status, decidedOn: body.decidedOn, on: connection)
            try host.emitter(context.cause, on: connection)
                .emit(StatusRegularized(personId: personId, caseId: person.caseId, previousStatus: person.status, status: body.status,
                                        decidedOn: body.decidedOn), caseId: person.caseId)
            return .json(updated, headers: [("ETag", updated.etag)])
        }
    }

    // MARK: Handovers

    func transferResponsibility(_ context: RequestContext) throws -> HTTPResponse {
        let personId = try context.pathId("personId", "person")
        let body = try context.request.decode(TransferRequest.self)
        let errors = body.validate()
        guard errors.isEmpty, let target = Organisation(body.toOrg) else { throw Problem.validation(errors) }
        return try host.write(context) { connection in
            guard let person = try PersonLifecycleStore.lock(personId, on: connection) else { throw Refusal.notFound("no person with this id") }
            guard let current = Organisation(person.responsibleOrg) else { throw UnexpectedStoredValue(column: "responsible_org") }
            context.disclose(caseId: person.caseId, personId: person.personId)
            guard AccessPolicy.mayHandOver(context.organisation, currentlyResponsible: current) else {
                throw Refusal.forbidden("only the canton or the currently responsible municipality hands a case over")
            }
            guard !person.isClosed else { throw Refusal.conflict("the case is closed; it cannot change hands") }
            guard target != current else { throw Refusal.conflict("the case is already with \(current)") }
            try context.checkIfMatch(current: person.etag)
            if let violation = TransferRules.violation(from: current, to: target, reason: body.reason) {
                throw Refusal.breaksRule(violation, fields: [FieldError(field: "reason", message: violation)])
            }
            let moved = try PersonLifecycleStore.transfer(person, body, actor: context.actor, on: connection)
            try host.emitter(context.cause, on: connection)
                .emit(ResponsibilityTransferred(personId: personId, caseId: person.caseId, fromOrg: person.responsibleOrg,
                                                toOrg: moved.responsibleOrg, effectiveOn: body.effectiveOn, reason: body.reason),
                      caseId: person.caseId)
            return .json(moved, headers: [("ETag", moved.etag)])
        }
    }

    func responsibilityHistory(_ context: RequestContext) throws -> HTTPResponse {
        let personId = try context.pathId("personId", "person")
        let page = try Pagination(context.request)
        let rows = try host.read { connection -> [PersonLifecycleStore.Transfer] in
            try context.access(PersonStore.find(personId, on: connection), unknown: "no person with this id")
            return try PersonLifecycleStore.transfers(of: personId, after: page.after, limit: page.fetchLimit, on: connection)
        }
        return .json(page.page(rows) { $0.transferId })
    }

    // MARK: Closure

    func closeCase(_ context: RequestContext) throws -> HTTPResponse {
        let personId = try context.pathId("personId", "person")
        let body = try context.request.decode(ClosureRequest.self)
        return try host.write(context) { connection in
            let person = try lockAccessibleOpenCase(personId, context: context, on: connection)
            try Refusal.throwIfInvalid(body.validate(today: CalendarDate.today(), enteredCantonOn: person.enteredCantonOn))
            let closed = try PersonLifecycleStore.close(personId, reason: body.reason, on: body.closedOn, outcome: body.outcome, on: connection)
            try host.emitter(context.cause, on: connection)
                .emit(CaseClosed(personId: personId, caseId: person.caseId, reason: body.reason, closedOn: body.closedOn, outcome: body.outcome),
                      caseId: person.caseId)
            return .json(closed, headers: [("ETag", closed.etag)])
        }
    }

    // MARK: Households

    func household(_ context: RequestContext) throws -> HTTPResponse {
        let householdId = try context.pathId("householdId", "household")
        let page = try Pagination(context.request)
        let municipality = try context.listedMunicipality(refusal: "your organisation has no access to persons")
        context.recordFilter(["householdId": householdId.description, "cursor": page.after?.description, "limit": String(page.limit)])
        let rows = try host.read {
            try PersonLifecycleStore.household(householdId, municipality: municipality, after: page.after, limit: page.fetchLimit, on: $0)
        }
        // Members of other municipalities' cases stay invisible; a household without a visible member is unknown.
        guard !rows.isEmpty || page.after != nil else { throw Problem.notFound("no household with members you may see") }
        let listed = page.page(rows) { $0.personId }
        context.disclose(listed.items.map { DisclosedRecord(caseId: $0.caseId, personId: $0.personId) })
        return .json(HouseholdPage(householdId: householdId, items: listed.items, nextCursor: listed.nextCursor))
    }

    struct HouseholdPage: Encodable {
        let householdId: Identifier
        let items: [PersonRecord]
        let nextCursor: String?
    }

    // MARK: Shared steps

    /// Locks the person, then answers 404 / 403 / 409 (closed), and 409 for a stale `If-Match`
    /// (428 without one where `versionRequired`), before anything changes.
    func lockAccessibleOpenCase(_ personId: Identifier, context: RequestContext, versionRequired: Bool = false,
                                on connection: PostgresConnection) throws -> PersonRecord {
        let person = try context.access(PersonLifecycleStore.lock(personId, on: connection), forChange: true, unknown: "no person with this id")
        try context.checkIfMatch(current: person.etag, required: versionRequired)
        return person
    }

}
