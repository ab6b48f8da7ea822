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
        let candidates = try PersonLifecycleStore.sameBirthDate(body.dateOfBirth, on: connection).compactMap { person -> (PersonRecord, Double)? in
            let score = NameSimilarity.score(given: body.givenName, family: body.familyName, given: person.givenName, family: person.familyName)
            return NameSimilarity.isLikelyDuplicate(score) ? (person, score) : nil
        }.sorted { $0.1 > $1.1 }
        guard !candidates.isEmpty, body.duplicateOverride == nil else { return }
        let list: [JSONValue] = candidates.prefix(20).map { person, score in
            var entry: [String: JSONValue] = [
                "personId": .string(person.personId.description), "caseId": .string(person.caseId.description),
                "dateOfBirth": .string(person.dateOfBirth.description), "similarity": .number((score * 100).rounded() / 100),
            ]
            // Names of another municipality's case are not disclosed; the ids suffice to ask the canton.
            if AccessPolicy.mayAccessCase(context.organisation, responsibleOrg: person.responsibleOrg) {
                entry["givenName"] = .string(person.givenName)
                entry["familyName"] = .string(person.familyName)
            } else {
                entry["namesWithheld"] = .bool(true)
            }
            return .object(entry)
        }
        throw Problem.conflict(
            "a person with the same date of birth and a similar name is already registered; check the candidates, or register anyway with duplicateOverride.reason",
            extensions: ["candidates": .array(list)])
    }
}
