import Foundation
import IASContracts
import IASHTTP
import IASRuntime

/// `POST /persons`: the registration of an assigned person.
struct RegisterPersonRequest: Decodable {
    var zemisNumber: String?
    var givenName: String
    var familyName: String
    var dateOfBirth: CalendarDate
    var sex: Sex
    var nationality: String
    var languages: [String]
    var status: ResidenceStatus
    var enteredCantonOn: CalendarDate
    var statusDecidedOn: CalendarDate?
    var householdId: Identifier?
    var accommodation: Accommodation
    var responsibleOrg: String?
    /// Registers although a likely duplicate exists; the reason is stored and published.
    var duplicateOverride: DuplicateOverride?

    struct DuplicateOverride: Decodable { var reason: String }

    /// Field-level rules beyond the types; all problems are reported at once.
    func validate(today: CalendarDate) -> [FieldError] {
        var errors = FieldErrors()
        PersonFieldRules.check(zemisNumber: zemisNumber, givenName: givenName, familyName: familyName, dateOfBirth: dateOfBirth,
                               nationality: nationality, languages: languages, enteredCantonOn: enteredCantonOn,
                               entry: enteredCantonOn, birth: dateOfBirth, today: today, into: &errors)
        if let decided = statusDecidedOn {
            errors.check(decided <= today, "statusDecidedOn", "must not be in the future")
            errors.check(status != .N, "statusDecidedOn", "only for status VA or FL; an asylum seeker (N) has no decision yet")
        }
        switch (accommodation, responsibleOrg) {
        case (.municipal, nil):
            errors.add("responsibleOrg", "required for municipal accommodation, e.g. municipality:4001")
        case (_, let org?):
            errors.check(Organisation(org) != nil, "responsibleOrg", "must be canton:KSD, municipality:<BFS number> or delegate:<name>:<BFS number>")
        default: break
        }
        if let reason = duplicateOverride?.reason {
            errors.check(TextRules.isText(reason, max: 500), "duplicateOverride.reason", "must be 1 to 500 characters, not only spaces")
        }
        return errors.list
    }

    /// Cantonal accommodation means the canton's social service runs the case.
    var effectiveResponsibleOrg: String { responsibleOrg ?? "canton:KSD" }

    /// A municipality registers only persons it is responsible for; the canton registers anyone.
    static let notResponsible = "your organisation may register only persons it is responsible for"

    func mayBeRegistered(by organisation: Organisation) -> Bool {
        AccessPolicy.mayAccessCase(organisation, responsibleOrg: effectiveResponsibleOrg)
    }
}

enum Validation {
    /// A given or family name: one line of at most 100 characters.
    static func isName(_ s: String) -> Bool { TextRules.isLine(s, max: 100) }
    static func isZemisNumber(_ s: String) -> Bool {
        let digits = s.filter { $0 != "." }
        return (8...9).contains(digits.count) && digits.allSatisfy { $0.isASCII && $0.isNumber } && s.count <= 12
    }
    static func isCountryCode(_ s: String) -> Bool {
        (2...3).contains(s.count) && s.allSatisfy { $0.isASCII && $0.isUppercase }
    }
    static func isLanguageCode(_ s: String) -> Bool {
        (2...3).contains(s.count) && s.allSatisfy { $0.isASCII && $0.isLowercase }
    }
    /// ZEMIS numbers are compared without formatting dots.
    static func normalizedZemis(_ s: String) -> String { s.filter { $0 != "." } }
}

