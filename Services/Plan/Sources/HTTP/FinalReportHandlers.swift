import Foundation
import IASContracts
import IASHTTP
import IASPostgres
import IASRuntime
import IASServiceKit

/// `GET /cases/{caseId}/plan/final-reports[/{reportId}]`: the reports written at each handover.
extension PlanApp {
    // MARK: Final reports

    func listFinalReports(_ context: RequestContext) throws -> HTTPResponse {
        try host.casePage(context, case: { id, c in try CaseRegistry.find(id, on: c) },
                          records: { id, page, c in try PlanStore.finalReports(caseId: id, after: page.after, limit: page.fetchLimit, on: c) },
                          key: \.reportId)
    }

    func getFinalReport(_ context: RequestContext) throws -> HTTPResponse {
        let id = try context.pathId("caseId", "case")
        let reportId = try context.pathId("reportId", "final report")
        return try host.read { c in
            try context.access(CaseRegistry.find(id, on: c))
            guard let report = try PlanStore.finalReport(caseId: id, reportId: reportId, on: c) else {
                throw Refusal.notFound("no final report with this id for this case")
            }
            return .json(report)
        }
    }
}
