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
        var errors: [FieldError] = []
        if !ConsentRules.partners.contains(partner) {
            errors.append(FieldError(field: "partner", message: "must be one of \(ConsentRules.partners.joined(separator: ", "))"))
        }
        if givenOn > today { errors.append(FieldError(field: "givenOn", message: "must not be in the future")) }
        if let expiresOn, expiresOn < givenOn { errors.append(FieldError(field: "expiresOn", message: "must not be before givenOn")) }
        let trimmed = documentRef.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty || documentRef.count > 200 || documentRef.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            errors.append(FieldError(field: "documentRef", message: "must be 1 to 200 characters, not only spaces"))
        }
        return errors
    }
}

/// `POST /tasks/{taskId}/completion`.
struct CompleteTaskRequest: Decodable {
    /// A short code of what was done, e.g. `taken_over`, `plan_adjusted`, `no_action_needed`.
    var outcome: String
    var notes: String?

    func validate() -> [FieldError] {
        var errors: [FieldError] = []
        let allowed = outcome.allSatisfy { ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "_" || $0 == "-" }
        if outcome.isEmpty || outcome.count > 60 || !allowed {
            errors.append(FieldError(field: "outcome", message: "must be a code of 1 to 60 letters, digits, '_' or '-', e.g. plan_adjusted"))
        }
        if let notes, notes.count > 4000 { errors.append(FieldError(field: "notes", message: "at most 4000 characters")) }
        return errors
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

