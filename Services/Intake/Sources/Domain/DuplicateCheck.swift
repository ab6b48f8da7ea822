import Foundation
import IASContracts
import IASHTTP
import IASPostgres
import IASRuntime

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
        RegisteredIdentity(personId: published.personId, caseId: caseId, givenName: published.givenName,
                           familyName: published.familyName, dateOfBirth: published.dateOfBirth, responsibleOrg: responsibleOrg)
    }
}

/// The name and date-of-birth rule shared by `POST /persons` and `POST /allocation-lists`.
enum DuplicateCheck {
    /// Whom a caller asks about a person known to an office whose case it may not see.
    static var contact: String { AccessPolicy.contactForOtherOfficesCases.description }

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
                result["contact"] = .string(contact)
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
