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
        let personId = try Self.personId(request)
        let body = try request.decode(CorrectPersonRequest.self)
        guard let ifMatch = request.header("If-Match") else {
            throw Problem.status(428, "send If-Match with the ETag of the person you read, so that no correction overwrites another")
        }
        let expected = Self.version(fromETag: ifMatch)
        return try host.write(context) { connection in
            let person = try lockAccessibleOpenCase(personId, context: context, on: connection)
            guard expected == person.version else {
                throw Problem.conflict("the person was changed since you read it (now version \(person.version)); read it again and reapply your correction",
                                       extensions: ["currentETag": .string(person.etag)])
            }
            let errors = body.validate(today: CalendarDate.today(), current: person)
            guard errors.isEmpty else { throw Problem.validation(errors) }
            let changes = try body.changes(comparedWith: person)
            guard !changes.isEmpty else { return .json(person, headers: [("ETag", person.etag)]) }
            if let zemis = changes["zemisNumber"]?.stringValue, let other = try PersonStore.findByZemis(zemis, on: connection),
               other.personId != person.personId {
                throw KnownPerson.zemisConflict(other.identity, context: context, detail: "another person is registered with this ZEMIS number")
            }
            let corrected = try PersonLifecycleStore.correct(personId, body, on: connection)
            try publish(PersonDataCorrected(personId: personId, caseId: person.caseId, changes: changes, version: corrected.version),
                        caseId: person.caseId, context: context, on: connection)
            return .json(corrected, headers: [("ETag", corrected.etag)])
        }
    }

    // MARK: Regularisation

    func regularize(_ context: RequestContext) throws -> HTTPResponse {
        let personId = try Self.personId(context.request)
        let body = try context.request.decode(RegularizationRequest.self)
        let errors = body.validate(today: CalendarDate.today())
        guard errors.isEmpty else { throw Problem.validation(errors) }
        return try host.write(context) { connection in
            let person = try lockAccessibleOpenCase(personId, context: context, on: connection)
            guard person.status == .N else {
                throw Problem.conflict("only an asylum seeker (status N) is regularised; this person already has status \(person.status.rawValue)")
            }
            if let decided = person.statusDecidedOn, body.decidedOn < decided {
                throw Problem.unprocessable("decidedOn lies before the previous decision", errors: [FieldError(field: "decidedOn", message: "must not be before \(decided)")])
            }
            let updated = try PersonLifecycleStore.regularize(personId, to: body.status, decidedOn: body.decidedOn, on: connection)
            try publish(StatusRegularized(personId: personId, caseId: person.caseId, previousStatus: person.status, status: body.status,
                                          decidedOn: body.decidedOn),
                        caseId: person.caseId, context: context, on: connection)
            return .json(updated, headers: [("ETag", updated.etag)])
        }
    }

    // MARK: Handovers

    func transferResponsibility(_ context: RequestContext) throws -> HTTPResponse {
        let personId = try Self.personId(context.request)
        let body = try context.request.decode(TransferRequest.self)
        let errors = body.validate()
        guard errors.isEmpty, let target = Organisation(body.toOrg) else { throw Problem.validation(errors) }
        return try host.write(context) { connection in
            guard let person = try PersonLifecycleStore.lock(personId, on: connection) else { throw Problem.notFound("no person with this id") }
            guard let current = Organisation(person.responsibleOrg) else { throw UnexpectedStoredValue(column: "responsible_org") }
            context.disclose(caseId: person.caseId, personId: person.personId)
            guard AccessPolicy.mayHandOver(context.organisation, currentlyResponsible: current) else {
                throw Problem.forbidden("only the canton or the currently responsible municipality hands a case over")
            }
            guard !person.isClosed else { throw Problem.conflict("the case is closed; it cannot change hands") }
            guard target != current else { throw Problem.conflict("the case is already with \(current)") }
            if let violation = TransferRules.violation(from: current, to: target, reason: body.reason) {
                throw Problem.unprocessable(violation, errors: [FieldError(field: "reason", message: violation)])
            }
            let moved = try PersonLifecycleStore.transfer(person, body, actor: context.actor, on: connection)
            try publish(ResponsibilityTransferred(personId: personId, caseId: person.caseId, fromOrg: person.responsibleOrg,
                                                  toOrg: moved.responsibleOrg, effectiveOn: body.effectiveOn, reason: body.reason),
                        caseId: person.caseId, context: context, on: connection)
            return .json(moved, headers: [("ETag", moved.etag)])
        }
    }

    func responsibilityHistory(_ context: RequestContext) throws -> HTTPResponse {
        let personId = try Self.personId(context.request)
        let page = try Pagination(context.request)
        let rows = try host.read { connection -> [PersonLifecycleStore.Transfer] in
            guard let person = try PersonStore.find(personId, on: connection) else { throw Problem.notFound("no person with this id") }
            try context.requireCaseAccess(responsibleOrg: person.responsibleOrg, caseId: person.caseId, personId: person.personId)
            return try PersonLifecycleStore.transfers(of: personId, after: page.after, limit: page.limit + 1, on: connection)
        }
        return .json(Page(items: Array(rows.prefix(page.limit)),
                          nextCursor: rows.count > page.limit ? rows[page.limit - 1].transferId.description : nil))
    }

    // MARK: Closure

    func closeCase(_ context: RequestContext) throws -> HTTPResponse {
        let personId = try Self.personId(context.request)
        let body = try context.request.decode(ClosureRequest.self)
        return try host.write(context) { connection in
            let person = try lockAccessibleOpenCase(personId, context: context, on: connection)
            let errors = body.validate(today: CalendarDate.today(), enteredCantonOn: person.enteredCantonOn)
            guard errors.isEmpty else { throw Problem.validation(errors) }
            let closed = try PersonLifecycleStore.close(personId, reason: body.reason, on: body.closedOn, outcome: body.outcome, on: connection)
            try publish(CaseClosed(personId: personId, caseId: person.caseId, reason: body.reason, closedOn: body.closedOn, outcome: body.outcome),
                        caseId: person.caseId, context: context, on: connection)
            return .json(closed, headers: [("ETag", closed.etag)])
        }
    }

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
                    let event = CaseClosed(personId: person.personId, caseId: person.caseId, reason: .maxDuration, closedOn: closedOn)
                    try host.publish(try EventEnvelope(event, subject: person.caseId.description, actor: Self.autoClosureActor,
                                                       correlationid: Identifier()),
                                     to: Topics.intake, on: connection)
                }
                return due.count
            }
            total += closed
            if closed < batch { return total }
        }
    }

    static let autoClosureActor = Actor(subject: "auto-closure", organisation: "system")

    // MARK: Households

    func household(_ context: RequestContext) throws -> HTTPResponse {
        guard let householdId = Identifier(try context.request.parameter("householdId")) else {
            throw Problem.notFound("no household with this id")
        }
        let page = try Pagination(context.request)
        var municipality: Int?
        switch AccessPolicy.caseScope(context.organisation) {
        case .every: break
        case .municipality(let own): municipality = own
        case .none: throw Problem.forbidden("your organisation has no access to persons")
        }
        context.recordFilter(["householdId": householdId.description, "cursor": page.after?.description, "limit": String(page.limit)])
        let rows = try host.read {
            try PersonLifecycleStore.household(householdId, municipality: municipality, after: page.after, limit: page.limit + 1, on: $0)
        }
        // Members of other municipalities' cases stay invisible; a household without a visible member is unknown.
        guard !rows.isEmpty || page.after != nil else { throw Problem.notFound("no household with members you may see") }
        let items = Array(rows.prefix(page.limit))
        context.disclose(items.map { DisclosedRecord(caseId: $0.caseId, personId: $0.personId) })
        return .json(HouseholdPage(householdId: householdId, items: items,
                                   nextCursor: rows.count > page.limit ? items.last?.personId.description : nil))
    }

    struct HouseholdPage: Encodable {
        let householdId: Identifier
        let items: [PersonRecord]
        let nextCursor: String?
    }

    // MARK: Shared steps

    /// Locks the person, then answers 404 / 403 / 409 (closed) before anything changes.
    func lockAccessibleOpenCase(_ personId: Identifier, context: RequestContext, on connection: PostgresConnection) throws -> PersonRecord {
        guard let person = try PersonLifecycleStore.lock(personId, on: connection) else { throw Problem.notFound("no person with this id") }
        try context.requireCaseAccess(responsibleOrg: person.responsibleOrg, caseId: person.caseId, personId: person.personId)
        guard !person.isClosed else {
            throw Problem.conflict("the case was closed on \(person.closedOn!); it refuses further changes")
        }
        return person
    }

    func publish<Payload: EventPayload>(_ payload: Payload, caseId: Identifier, context: RequestContext,
                                        on connection: PostgresConnection) throws {
        try host.publish(try EventEnvelope(payload, subject: caseId.description, actor: context.actor,
                                           correlationid: host.correlationId(for: context.request)),
                         to: Topics.intake, on: connection)
    }

    static func personId(_ request: HTTPRequest) throws -> Identifier {
        guard let id = Identifier(try request.parameter("personId")) else { throw Problem.notFound("no person with this id") }
        return id
    }

    /// `"3"`, `W/"3"` or `3` → 3; anything else matches no version.
    static func version(fromETag text: String) -> Int? {
        var value = text.trimmingCharacters(in: .whitespaces)
        if value.hasPrefix("W/") { value.removeFirst(2) }
        if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
        return Int(value)
    }
}
