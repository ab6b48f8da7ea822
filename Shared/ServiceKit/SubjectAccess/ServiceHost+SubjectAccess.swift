import Foundation
import IASContracts
import IASHTTP
import IASRuntime

extension ServiceHost {
    /// The route every service answers for a person's access request (`exportSubjectData`):
    /// `GET /subject-access/{personId}`, everything its schema holds about the person
    /// (`SubjectAccessQuery`), read in one snapshot. The answer names every case of the person,
    /// so each is declared for the audit record; coordination gathers the five answers into
    /// the archive.
    ///
    /// - Parameter withheld: tables kept out entirely, each with the reason the manifest gives.
    public func registerSubjectAccess(withheld: [SubjectAccessReport.Withheld] = []) {
        let service = configuration.serviceName
        // Every service holds the key of a case's events: a secret, and what it opens is in the export already.
        let withheld = withheld + [SubjectAccessReport.Withheld(
            table: "case_event_keys", reason: "the key of the case's events, wrapped: a secret that protects the events, whose data is exported readable")]
        route("GET", SubjectAccessReport.route, .exportSubjectData) { [self] context in
            let personId = try context.pathId("personId", "person")
            let report = try read { try SubjectAccessQuery.gather(personId: personId, service: service, withheld: withheld, on: $0) }
            if report.caseIds.isEmpty { context.disclose(caseId: nil, personId: personId) }
            context.disclose(report.caseIds.map { DisclosedRecord(caseId: $0, personId: personId) })
            return .json(report)
        }
    }
}

extension SubjectAccessReport {
    public static let route = "/subject-access/{personId}"

    public static func path(_ personId: Identifier) -> String { "/subject-access/\(personId)" }
}
