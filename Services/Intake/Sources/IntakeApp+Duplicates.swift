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
        throw Problem.conflict(
            "a person with the same date of birth and a similar name is already registered; check the candidates, or register anyway with duplicateOverride.reason"
                + (described.withheld > 0 ? "; \(KnownPerson.otherOffices(described.withheld))" : ""),
            extensions: described.extensions)
    }
}

/// What a caller learns of a person who is registered already: the record itself when the
/// caller reaches that case; otherwise only that the person is known and whom to contact,
/// never the identifiers, birth date or similarity score of another office's case. The handler
/// declares every match for the audit record either way.
enum KnownPerson {
    static var contact: String { AccessPolicy.contactForOtherOfficesCases.description }

    static func otherOffices(_ count: Int) -> String {
        (count == 1 ? "1 more person is" : "\(count) more persons are")
            + " registered with another office; contact \(contact) (the cantonal social service), which sees every case and can hand it over"
    }

    /// The 409 for a ZEMIS number that is registered already.
    static func zemisConflict(_ existing: RegisteredIdentity, context: RequestContext,
                              detail: String = "a person with this ZEMIS number is already registered") -> Problem {
        context.disclose(caseId: existing.caseId, personId: existing.personId)
        guard AccessPolicy.mayAccessCase(context.organisation, responsibleOrg: existing.responsibleOrg) else {
            return Problem.conflict("\(detail) with another office; contact \(contact) (the cantonal social service), which sees every case and can hand it over",
                                    extensions: ["contact": .string(contact)])
        }
        return Problem.conflict(detail, extensions: ["existingPersonId": .string(existing.personId.description),
                                                     "existingCaseId": .string(existing.caseId.description)])
    }
}

/// What duplicate detection needs to know of a person already registered (or about to be
/// registered earlier in the same allocation list).
struct RegisteredIdentity: Sendable, Equatable {
    let personId: Identifier
    let caseId: Identifier
    let givenName: String
    let familyName: String
    let dateOfBirth: CalendarDate
    let responsibleOrg: String
    /// Folded once: a person born on a list's busy birth date is compared with many rows.
    let foldedName: NameSimilarity.Folded

    init(personId: Identifier, caseId: Identifier, givenName: String, familyName: String, dateOfBirth: CalendarDate,
         responsibleOrg: String) {
        self.personId = personId
        self.caseId = caseId
        self.givenName = givenName
        self.familyName = familyName
        self.dateOfBirth = dateOfBirth
        self.responsibleOrg = responsibleOrg
        foldedName = NameSimilarity.Folded(given: givenName, family: familyName)
    }
}

extension PersonRecord {
    var identity: RegisteredIdentity {
        RegisteredIdentity(personId: personId, caseId: caseId, givenName: givenName, familyName: familyName,
                           dateOfBirth: dateOfBirth, responsibleOrg: responsibleOrg)
    }
}

/// The name and date-of-birth rule shared by `POST /persons` and `POST /allocation-lists`.
enum DuplicateCheck {
    /// Persons of `pool` born on the same day with a similar name, most similar first.
    static func likelyDuplicates(of body: RegisterPersonRequest, among pool: [RegisteredIdentity]) -> [(RegisteredIdentity, Double)] {
        let name = NameSimilarity.Folded(given: body.givenName, family: body.familyName)
        return pool.compactMap { person -> (RegisteredIdentity, Double)? in
            guard person.dateOfBirth == body.dateOfBirth else { return nil }
            let score = NameSimilarity.score(name, person.foldedName)
            return NameSimilarity.isLikelyDuplicate(score) ? (person, score) : nil
        }.sorted { $0.1 > $1.1 }
    }

    /// The candidates as the API shows them: those of cases the caller reaches in full (at
    /// most 20), the others only counted.
    struct Described {
        var visible: [JSONValue]
        var withheld: Int

        /// `candidates`, and with withheld ones their number and whom to contact.
        var extensions: [String: JSONValue] {
            var result: [String: JSONValue] = ["candidates": .array(visible)]
            if withheld > 0 {
                result["withheldCandidates"] = .number(Double(withheld))
                result["contact"] = .string(KnownPerson.contact)
            }
            return result
        }
    }

    static func described(_ candidates: [(RegisteredIdentity, Double)], for organisation: Organisation) -> Described {
        let reachable = candidates.filter { AccessPolicy.mayAccessCase(organisation, responsibleOrg: $0.0.responsibleOrg) }
        let visible = reachable.prefix(20).map { person, score -> JSONValue in
            .object(["personId": .string(person.personId.description), "caseId": .string(person.caseId.description),
                     "givenName": .string(person.givenName), "familyName": .string(person.familyName),
                     "dateOfBirth": .string(person.dateOfBirth.description), "similarity": .number((score * 100).rounded() / 100)])
        }
        return Described(visible: visible, withheld: candidates.count - reachable.count)
    }
}
