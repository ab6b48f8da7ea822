import Foundation
import IASContracts
import IASHTTP
import IASRuntime

/// `POST /cases/{caseId}/consents`.
struct RecordConsentRequest: Decodable {
    var partner: String
    var givenOn: CalendarDate
    var expiresOn: CalendarDate?
    /// Where the signed form is kept (document management reference), not the form itself.
    var documentRef: String

    func validate(today: CalendarDate) -> [FieldError] {
        var errors = FieldErrors()
        errors.check(ConsentRules.partners.contains(partner), "partner", "must be one of \(ConsentRules.partners.joined(separator: ", "))")
        errors.check(givenOn <= today, "givenOn", "must not be in the future")
        if let expiresOn { errors.check(expiresOn >= givenOn, "expiresOn", "must not be before givenOn") }
        errors.check(TextRules.isLine(documentRef, max: 200), "documentRef", "must be 1 to 200 characters, not only spaces")
        return errors.list
    }
}

/// `POST /tasks/{taskId}/completion`.
struct CompleteTaskRequest: Decodable {
    /// A short code of what was done, e.g. `taken_over`, `plan_adjusted`, `no_action_needed`.
    var outcome: String
    var notes: String?

    func validate() -> [FieldError] {
        var errors = FieldErrors()
        let allowed = outcome.allSatisfy { ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "_" || $0 == "-" }
        errors.check(!outcome.isEmpty && outcome.count <= 60 && allowed, "outcome",
                     "must be a code of 1 to 60 letters, digits, '_' or '-', e.g. plan_adjusted")
        errors.check((notes ?? "").count <= 4000, "notes", "at most 4000 characters")
        return errors.list
    }
}

/// `POST /cases/{caseId}/referrals`.
struct SendReferralRequest: Decodable {
    struct Override: Decodable { var reason: String }
    var measureId: Identifier
    var legalBasisOverride: Override?

    func validate() -> [FieldError] {
        guard let reason = legalBasisOverride?.reason else { return [] }
        let trimmed = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.count < 10 || reason.count > 1000 {
            return [FieldError(field: "legalBasisOverride.reason", message: "must name the legal basis in 10 to 1000 characters")]
        }
        return []
    }
}

