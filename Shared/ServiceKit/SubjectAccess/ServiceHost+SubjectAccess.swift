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
