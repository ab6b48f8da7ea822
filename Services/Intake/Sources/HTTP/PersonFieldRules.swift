import IASHTTP
import IASRuntime

/// The rules of a person's identity fields, one set for the registration and the correction so
/// that both accept the same values and word their refusals alike. A field that is nil is not
/// checked: a correction changes only the fields it names.
enum PersonFieldRules {
    /// `entry` and `birth` are the dates the person has once the request is applied (for a
    /// correction: each given one, else the stored one), so that the entry into the canton is
    /// never before the birth, whichever of the two changes.
    static func check(zemisNumber: String?, givenName: String?, familyName: String?, dateOfBirth: CalendarDate?,
                      nationality: String?, languages: [String]?, enteredCantonOn: CalendarDate?,
                      entry: CalendarDate, birth: CalendarDate, today: CalendarDate, into errors: inout FieldErrors) {
        if let zemisNumber { errors.check(Validation.isZemisNumber(zemisNumber), "zemisNumber", "must be 8 or 9 digits (dots allowed), e.g. 12345678") }
        if let givenName { errors.check(Validation.isName(givenName), "givenName", "must be 1 to 100 characters, not only spaces") }
        if let familyName { errors.check(Validation.isName(familyName), "familyName", "must be 1 to 100 characters, not only spaces") }
        if let dateOfBirth {
            errors.check(dateOfBirth <= today, "dateOfBirth", "must not be in the future")
            errors.check(dateOfBirth.years(until: today) <= 120, "dateOfBirth", "must be within the last 120 years")
        }
        if let nationality {
            errors.check(Validation.isCountryCode(nationality), "nationality", "must be an ISO 3166-1 alpha-2 or alpha-3 code in capitals, e.g. ER or AFG")
        }
        if let languages {
            errors.check(languages.count <= 20, "languages", "at most 20 languages")
            for (i, language) in languages.enumerated() {
                errors.check(Validation.isLanguageCode(language), "languages[\(i)]", "must be an ISO 639 code in lower case, e.g. ti or prs")
            }
        }
        if let enteredCantonOn { errors.check(enteredCantonOn <= today, "enteredCantonOn", "must not be in the future") }
        errors.check(entry >= birth, "enteredCantonOn", "must not be before dateOfBirth")
    }
}
