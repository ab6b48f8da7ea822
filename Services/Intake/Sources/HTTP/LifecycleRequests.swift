import Foundation
import IASContracts
import IASHTTP
import IASRuntime

/// `PATCH /persons/{personId}`: corrections of identity data. Absent fields stay as they are.
struct CorrectPersonRequest: Decodable {
    var zemisNumber: String?
    var givenName: String?
    var familyName: String?
    var dateOfBirth: CalendarDate?
    var sex: Sex?
    var nationality: String?
    var languages: [String]?
    var enteredCantonOn: CalendarDate?
    var householdId: Identifier?

    func validate(today: CalendarDate, current: PersonRecord) -> [FieldError] {
        var errors = FieldErrors()
        PersonFieldRules.check(zemisNumber: zemisNumber, givenName: givenName, familyName: familyName, dateOfBirth: dateOfBirth,
                               nationality: nationality, languages: languages, enteredCantonOn: enteredCantonOn,
                               entry: enteredCantonOn ?? current.enteredCantonOn, birth: dateOfBirth ?? current.dateOfBirth,
                               today: today, into: &errors)
        return errors.list
    }

    /// The fields whose value differs from the stored person, by their PersonRegistered name.
    func changes(comparedWith p: PersonRecord) throws -> [String: JSONValue] {
        var changes: [String: JSONValue] = [:]
        func note<T: Encodable & Equatable>(_ field: String, _ new: T?, _ old: T?) throws {
            guard let new, new != old else { return }
            changes[field] = try JSONValue(encoding: new)
        }
        try note("zemisNumber", zemisNumber.map(Validation.normalizedZemis), p.zemisNumber)
        try note("givenName", givenName?.trimmingCharacters(in: .whitespaces), p.givenName)
        try note("familyName", familyName?.trimmingCharacters(in: .whitespaces), p.familyName)
        try note("dateOfBirth", dateOfBirth, p.dateOfBirth)
        try note("sex", sex, p.sex)
        try note("nationality", nationality, p.nationality)
        try note("languages", languages, p.languages)
        try note("enteredCantonOn", enteredCantonOn, p.enteredCantonOn)
        try note("householdId", householdId, p.householdId)
        return changes
    }
}

/// `POST /persons/{personId}/regularization`.
struct RegularizationRequest: Decodable {
    var status: ResidenceStatus
    var decidedOn: CalendarDate

    func validate(today: CalendarDate) -> [FieldError] {
        var errors = FieldErrors()
        errors.check(status != .N, "status", "must be VA or FL")
        errors.check(decidedOn <= today, "decidedOn", "must not be in the future")
        return errors.list
    }
}

/// `POST /persons/{personId}/responsibility`.
struct TransferRequest: Decodable {
    var toOrg: String
    var effectiveOn: CalendarDate
    var reason: TransferReason

    func validate() -> [FieldError] {
        Organisation(toOrg) == nil
            ? [FieldError(field: "toOrg", message: "must be municipality:<BFS number>, delegate:<name>:<BFS number> or canton:KSD")]
            : []
    }
}

/// `POST /persons/{personId}/closure`.
struct ClosureRequest: Decodable {
    var reason: ClosureReason
    var closedOn: CalendarDate
    var outcome: IntegrationOutcome?

    func validate(today: CalendarDate, enteredCantonOn: CalendarDate) -> [FieldError] {
        var errors = FieldErrors()
        errors.check(closedOn <= today, "closedOn", "must not be in the future")
        errors.check(closedOn >= enteredCantonOn, "closedOn", "must not be before the entry into the canton")
        errors.check(outcome == nil || reason == .integrated, "outcome", "only for reason integrated")
        return errors.list
    }
}
