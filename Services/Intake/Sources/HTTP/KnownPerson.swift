import Foundation
import IASContracts
import IASHTTP
import IASPostgres
import IASRuntime
import IASServiceKit

extension IntakeApp {
    /// Before a second case is opened for one person: the same date of birth and a similar name
    /// answer 409 with the candidates, unless the caller states why this is another person
    /// (`duplicateOverride.reason`, stored with the person and published).
    func checkForLikelyDuplicates(_ body: RegisterPersonRequest, context: RequestContext, on connection: PostgresConnection) throws {
        let pool = try PersonLifecycleStore.sameBirthDate(body.dateOfBirth, on: connection).map(\.identity)
        let candidates = DuplicateCheck.likelyDuplicates(of: body, among: pool)
        guard !candidates.isEmpty, body.duplicateOverride == nil else { return }
        context.disclose(candidates.map { DisclosedRecord(caseId: $0.0.caseId, personId: $0.0.personId) })
        let described = DuplicateCheck.described(candidates, for: context.organisation)
        throw Refusal.conflict(
            "a person with the same date of birth and a similar name is already registered; check the candidates, or register anyway with duplicateOverride.reason"
                + (described.withheld > 0 ? "; \(KnownPerson.otherOffices(described.withheld))" : ""),
            details: described.extensions)
    }
}


/// What a caller learns of a person who is registered already: the record itself when the
/// caller reaches that case; otherwise only that the person is known and whom to contact,
/// never the identifiers, birth date or similarity score of another office's case. The handler
/// declares every match for the audit record either way.
enum KnownPerson {
    static var contact: String { DuplicateCheck.contact }

    static func otherOffices(_ count: Int) -> String {
        (count == 1 ? "1 more person is" : "\(count) more persons are")
            + " registered with another office; contact \(contact) (the cantonal social service), which sees every case and can hand it over"
    }

    /// The 409 for a ZEMIS number that is registered already.
    static func zemisConflict(_ existing: RegisteredIdentity, context: RequestContext,
                              detail: String = "a person with this ZEMIS number is already registered") -> Refusal {
        context.disclose(caseId: existing.caseId, personId: existing.personId)
        guard AccessPolicy.mayAccessCase(context.organisation, responsibleOrg: existing.responsibleOrg) else {
            return Refusal.conflict("\(detail) with another office; contact \(contact) (the cantonal social service), which sees every case and can hand it over",
                                    details: ["contact": .string(contact)])
        }
        return Refusal.conflict(detail, details: ["existingPersonId": .string(existing.personId.description),
                                                     "existingCaseId": .string(existing.caseId.description)])
    }
}

