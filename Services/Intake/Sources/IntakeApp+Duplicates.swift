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
        throw Problem.conflict(
            "a person with the same date of birth and a similar name is already registered; check the candidates, or register anyway with duplicateOverride.reason",
            extensions: ["candidates": .array(DuplicateCheck.described(candidates, for: context.organisation))])
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

    /// The candidates as the API shows them (at most 20).
    static func described(_ candidates: [(RegisteredIdentity, Double)], for organisation: Organisation) -> [JSONValue] {
        candidates.prefix(20).map { person, score in
            var entry: [String: JSONValue] = [
                "personId": .string(person.personId.description), "caseId": .string(person.caseId.description),
                "dateOfBirth": .string(person.dateOfBirth.description), "similarity": .number((score * 100).rounded() / 100),
            ]
            // Names of another municipality's case are not disclosed; the ids suffice to ask the canton.
            if AccessPolicy.mayAccessCase(organisation, responsibleOrg: person.responsibleOrg) {
                entry["givenName"] = .string(person.givenName)
                entry["familyName"] = .string(person.familyName)
            } else {
                entry["namesWithheld"] = .bool(true)
            }
            return .object(entry)
        }
    }
}
