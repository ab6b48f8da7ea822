import Foundation
import IASContracts
import IASHTTP
import IASRuntime

/// Decides the outcome of every row of an allocation list, without touching the database:
/// each row gets the answer `POST /persons` would have given had the rows been posted one
/// after another in list order. So a row is checked against the persons already registered
/// and against the rows before it that are going to be registered.
struct AllocationTriage {
    /// What the database knows, read after the birth-date locks were taken.
    struct Known {
        /// Registered persons by normalised ZEMIS number.
        var byZemis: [String: RegisteredIdentity] = [:]
        /// Registered persons born on one of the list's birth dates.
        var byBirthDate: [CalendarDate: [RegisteredIdentity]] = [:]
    }

    enum Outcome: String, Encodable, Sendable {
        case registered, duplicate, possible_duplicate, rejected
    }

    struct RowProblem: Encodable, Sendable, Equatable {
        var field: String
        var reason: String
    }

    /// The answer for one row. For `duplicate`, personId and caseId name the person already
    /// registered (in the database, or by row `duplicateOfRow` of the same list) when the caller
    /// reaches that case; otherwise `contact` says whom to ask (see `KnownPerson`).
    struct RowResult: Encodable, Sendable {
        var row: Int
        var outcome: Outcome
        var personId: Identifier?
        var caseId: Identifier?
        var duplicateOfRow: Int?
        var problems: [RowProblem]?
        var candidates: [JSONValue]?
        var withheldCandidates: Int?
        var contact: String?
        /// Every registered person the row was matched with, named or not: for the audit record.
        var matched: [RegisteredIdentity] = []

        enum CodingKeys: String, CodingKey {
            case row, outcome, personId, caseId, duplicateOfRow, problems, candidates, withheldCandidates, contact
        }
    }

    /// A row to insert, with the ids it will get.
    struct Registration {
        var row: Int
        var request: RegisterPersonRequest
        var zemis: String?
        var personId: Identifier
        var caseId: Identifier

        /// The registration as it is stored and published.
        var event: PersonRegistered {
            PersonRegistered(
                personId: personId, caseId: caseId, zemisNumber: zemis, givenName: request.storedGivenName,
                familyName: request.storedFamilyName, dateOfBirth: request.dateOfBirth, sex: request.sex,
                nationality: request.nationality, languages: request.languages, status: request.status,
                enteredCantonOn: request.enteredCantonOn, statusDecidedOn: request.statusDecidedOn, householdId: request.householdId,
                accommodation: request.accommodation, responsibleOrg: request.effectiveResponsibleOrg,
                duplicateOverrideReason: request.storedOverrideReason)
        }
    }

    let today: CalendarDate
    let organisation: Organisation
    /// New ids; tests pass a deterministic generator.
    var makeIdentifier: () -> Identifier = { Identifier() }

    func triage(_ rows: [AllocationRow], known: Known) -> (results: [RowResult], registrations: [Registration]) {
        var results: [RowResult] = []
        var registrations: [Registration] = []
        var plannedByZemis: [String: (row: Int, identity: RegisteredIdentity)] = [:]
        var plannedByBirthDate: [CalendarDate: [RegisteredIdentity]] = [:]
        for (index, row) in rows.enumerated() {
            let body: RegisterPersonRequest
            switch row {
            case .unreadable(let error):
                results.append(RowResult(row: index, outcome: .rejected, problems: [RowProblem(error)]))
                continue
            case .readable(let request):
                body = request
            }
            let errors = body.validate(today: today)
            guard errors.isEmpty else {
                results.append(RowResult(row: index, outcome: .rejected, problems: errors.map(RowProblem.init)))
                continue
            }
            guard body.mayBeRegistered(by: organisation) else {
                results.append(RowResult(row: index, outcome: .rejected,
                                         problems: [RowProblem(field: "responsibleOrg", reason: RegisterPersonRequest.notResponsible)]))
                continue
            }
            let zemis = body.zemisNumber.map(Validation.normalizedZemis)
            if let zemis, let existing = known.byZemis[zemis] {
                var result = RowResult(row: index, outcome: .duplicate,
                                       problems: [RowProblem(field: "zemisNumber", reason: "a person with this ZEMIS number is already registered")],
                                       matched: [existing])
                if AccessPolicy.mayAccessCase(organisation, responsibleOrg: existing.responsibleOrg) {
                    result.personId = existing.personId
                    result.caseId = existing.caseId
                } else {
                    result.contact = DuplicateCheck.contact
                    result.problems = [RowProblem(field: "zemisNumber", reason: "a person with this ZEMIS number is already registered with another office; contact \(DuplicateCheck.contact)")]
                }
                results.append(result)
                continue
            }
            if let zemis, let earlier = plannedByZemis[zemis] {
                results.append(RowResult(row: index, outcome: .duplicate, personId: earlier.identity.personId,
                                         caseId: earlier.identity.caseId, duplicateOfRow: earlier.row,
                                         problems: [RowProblem(field: "zemisNumber", reason: "row \(earlier.row) of this list has the same ZEMIS number")],
                                         matched: [earlier.identity]))
                continue
            }
            let pool = (known.byBirthDate[body.dateOfBirth] ?? []) + (plannedByBirthDate[body.dateOfBirth] ?? [])
            let candidates = DuplicateCheck.likelyDuplicates(of: body, among: pool)
            if !candidates.isEmpty, body.duplicateOverride == nil {
                let described = DuplicateCheck.described(candidates, for: organisation)
                results.append(RowResult(
                    row: index, outcome: .possible_duplicate,
                    problems: [RowProblem(field: "duplicateOverride.reason",
                                       reason: "a person with the same date of birth and a similar name is already registered; check the candidates, or send the row again with duplicateOverride.reason")],
                    candidates: described.visible, withheldCandidates: described.withheld > 0 ? described.withheld : nil,
                    contact: described.withheld > 0 ? DuplicateCheck.contact : nil, matched: candidates.map(\.0)))
                continue
            }
            let registration = Registration(row: index, request: body, zemis: zemis, personId: makeIdentifier(), caseId: makeIdentifier())
            let identity = RegisteredIdentity(
                personId: registration.personId, caseId: registration.caseId, givenName: body.storedGivenName,
                familyName: body.storedFamilyName, dateOfBirth: body.dateOfBirth, responsibleOrg: body.effectiveResponsibleOrg)
            registrations.append(registration)
            if let zemis { plannedByZemis[zemis] = (index, identity) }
            plannedByBirthDate[body.dateOfBirth, default: []].append(identity)
            results.append(RowResult(row: index, outcome: .registered, personId: registration.personId, caseId: registration.caseId))
        }
        return (results, registrations)
    }
}

extension AllocationTriage.RowProblem {
    init(_ error: FieldError) { self.init(field: error.field, reason: error.message) }
}

/// `200` of `POST /allocation-lists`.
struct AllocationListResult: Encodable, Sendable {
    var listId: Identifier
    var listRef: String
    var allocatedOn: CalendarDate
    var received: Int
    var registered: Int
    var duplicates: Int
    var possibleDuplicates: Int
    var rejected: Int
    var rows: [AllocationTriage.RowResult]

    init(listId: Identifier, listRef: String, allocatedOn: CalendarDate, rows: [AllocationTriage.RowResult]) {
        self.listId = listId
        self.listRef = listRef
        self.allocatedOn = allocatedOn
        self.rows = rows
        received = rows.count
        registered = rows.count { $0.outcome == .registered }
        duplicates = rows.count { $0.outcome == .duplicate }
        possibleDuplicates = rows.count { $0.outcome == .possible_duplicate }
        rejected = rows.count { $0.outcome == .rejected }
    }
}
