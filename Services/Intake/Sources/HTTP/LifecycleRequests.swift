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
        var errors: [FieldError] = []
        func check(_ ok: Bool, _ field: String, _ message: String) { if !ok { errors.append(FieldError(field: field, message: message)) } }
        if let zemis = zemisNumber { check(Validation.isZemisNumber(zemis), "zemisNumber", "must be 8 or 9 digits (dots allowed), e.g. 12345678") }
        if let name = givenName { check(Validation.isName(name), "givenName", "must be 1 to 100 characters, not only spaces") }
        if let name = familyName { check(Validation.isName(name), "familyName", "must be 1 to 100 characters, not only spaces") }
        if let date = dateOfBirth {
            check(date <= today, "dateOfBirth", "must not be in the future")
            check(date.years(until: today) <= 120, "dateOfBirth", "must be within the last 120 years")
        }
        if let code = nationality { check(Validation.isCountryCode(code), "nationality", "must be an ISO 3166-1 alpha-2 or alpha-3 code in capitals, e.g. ER or AFG") }
        if let languages {
            check(languages.count <= 20, "languages", "at most 20 languages")
            for (i, language) in languages.enumerated() {
                check(Validation.isLanguageCode(language), "languages[\(i)]", "must be an ISO 639 code in lower case, e.g. ti or prs")
            }
        }
        if let entered = enteredCantonOn { check(entered <= today, "enteredCantonOn", "must not be in the future") }
        check((enteredCantonOn ?? current.enteredCantonOn) >= (dateOfBirth ?? current.dateOfBirth), "enteredCantonOn",
              "must not be before dateOfBirth")
        return errors
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
        var errors: [FieldError] = []
        if status == .N { errors.append(FieldError(field: "status", message: "must be VA or FL")) }
        if decidedOn > today { errors.append(FieldError(field: "decidedOn", message: "must not be in the future")) }
        return errors
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
        var errors: [FieldError] = []
        if closedOn > today { errors.append(FieldError(field: "closedOn", message: "must not be in the future")) }
        if closedOn < enteredCantonOn { errors.append(FieldError(field: "closedOn", message: "must not be before the entry into the canton")) }
        if outcome != nil && reason != .integrated {
            errors.append(FieldError(field: "outcome", message: "only for reason integrated"))
        }
        return errors
    }
}
