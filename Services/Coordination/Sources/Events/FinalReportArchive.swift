import Foundation
import IASContracts
import IASMessaging
import IASPostgres
import IASRuntime
import IASServiceKit

/// At a handover plan issues a final report; coordination keeps, as a document of the case,
/// the dossier as it knows it at that moment (without the timeline, which stays in the
/// dossier): what the receiving office gets about the integration so far, kept encrypted like
/// every document and listed under `final_report`, linked to the report. A subscription of its
/// own (consumer `final-reports`), so that a report that cannot be kept is dead-lettered on its
/// own and never holds up the dossier; not part of a rebuild (a document is coordination's own
/// record, not a projection).
enum FinalReportArchive {
    static let subscription = "final-reports"

    static func keep(_ envelope: EventEnvelope, vault: DocumentVault, on c: PostgresConnection) throws {
        guard envelope.type == FinalReportIssued.eventType else { return }
        let report = try envelope.payload(FinalReportIssued.self)
        guard let dossier = try Dossier.load(report.caseId, on: c), dossier.person != nil else {
            throw EventRejected("the final report \(report.reportId) names case \(report.caseId), which coordination does not know; replay it once the case is registered")
        }
        let metadata = DocumentMetadata(category: .finalReport, certificateKind: nil,
                                        title: "Final report \(report.fromOrg) → \(report.toOrg), \(report.issuedOn)",
                                        issuedOn: report.issuedOn, link: DocumentLink(kind: .finalReport, id: report.reportId))
        let content = try JSONCoding.encode(dossier.withoutTimeline())
        do {
            try DocumentStore.add(content[...], contentType: "application/json", fileName: "final-report-\(report.issuedOn).json",
                                  metadata, caseId: report.caseId, vault: vault,
                                  cause: Cause(event: envelope, by: IASMessaging.Actor(subject: "coordination", organisation: report.fromOrg)),
                                  on: c)
        } catch let refusal as Refusal {
            // The case's key was destroyed, say: no retry changes that.
            throw EventRejected("the final report \(report.reportId) cannot be kept: \(refusal.problem.detail)")
        }
    }
}
