import Foundation
import IASContracts
import IASHTTP
import IASRuntime
import IASServiceKit

/// `GET /cases/{caseId}/dossier`.
extension CoordinationApp {
    func dossier(_ context: RequestContext) throws -> HTTPResponse {
        let caseId = try context.pathId("caseId", "case")
        // Dossier.load reads in one snapshot of its own (one round trip, BEGIN and COMMIT included).
        guard let dossier = try host.pool.withConnection({ try Dossier.load(caseId, on: $0) }) else {
            throw Refusal.notFound("no case with this id")
        }
        // Until the registration arrived only the offices that see every case see it.
        try context.requireCaseAccess(responsibleOrg: dossier.responsibleOrg ?? AccessPolicy.contactForOtherOfficesCases.description,
                                      caseId: caseId, personId: dossier.person?.personId)
        return .json(body: try dossier.json())
    }
}
