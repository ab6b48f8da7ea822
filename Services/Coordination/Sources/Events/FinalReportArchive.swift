import Foundation
import IASContracts
import IASMessaging
import IASPostgres
import IASRuntime
import IASServiceKit

/// At a handover plan issues a final report; coordination keeps, as a document of the case,
/// the dossier as it knows it at that moment (without the timeline, which stays in the
/// dossier): what the receiving office gets about the integration so far, kept encrypted
/// like every document and listed under `final_report`, linked to the report. In the consumer's
/// transaction, so that it is kept exactly once with the event; not in a rebuild, which
/// replays the projection only (a document is coordination's own record).
enum FinalReportArchive {
    static func keep(_ envelope: EventEnvelope, vault: DocumentVault, on c: PostgresConnection) throws {
        let report = try envelope.payload(FinalReportIssued.self)
        guard let dossier = try Dossier.load(report.caseId, on: c), dossier.person != nil else { return }
        let content = try JSONCoding.encode(dossier.withoutTimeline())
        let cause = Cause(event: envelope, by: IASMessaging.Actor(subject: "coordination", organisation: "system"))
        let metadata = DocumentMetadata(category: .finalReport, certificateKind: nil,
                                        title: "Final report \(report.fromOrg) → \(report.toOrg), \(report.issuedOn)",
                                        issuedOn: report.issuedOn, link: DocumentLink(kind: .finalReport, id: report.reportId))
        let documentId = Identifier()
        try DocumentStore.insert(documentId, caseId: report.caseId, metadata, actor: IASMessaging.Actor(subject: "coordination", organisation: report.fromOrg), on: c)
        guard let key = try vault.caseKey(report.caseId, create: true, on: c) else { return }
        let sealed = try vault.seal(content[...], documentId: documentId, version: 1, key: key, on: c)
        let contentType = "application/json"
        try DocumentStore.addVersion(documentId, DocumentVersion(
            version: 1, contentType: contentType, fileName: "final-report-\(report.issuedOn).json", sizeBytes: sealed.sizeBytes,
            sha256: sealed.sha256, addedAt: Date(), addedByOrg: report.fromOrg, contentErasedAt: nil, chunkSize: vault.chunkSize,
            chunkCount: sealed.chunkCount), on: c)
        try Emitter.coordination(cause, on: c).emit(DocumentAdded(
            caseId: report.caseId, documentId: documentId, version: 1, category: .finalReport, contentType: contentType,
            sizeBytes: sealed.sizeBytes, sha256: sealed.sha256, linkKind: .finalReport, linkId: report.reportId), caseId: report.caseId)
    }
}
