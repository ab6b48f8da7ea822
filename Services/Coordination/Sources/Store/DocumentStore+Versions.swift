import Foundation
import IASContracts
import IASMessaging
import IASPostgres
import IASRuntime
import IASServiceKit

/// The one way content becomes a version of a document, for an upload and for the final
/// report of a handover alike: the case key, the sealed chunks, the version's record and its
/// `DocumentAdded`, in the caller's transaction.
extension DocumentStore {
    /// A new document with `content` as its first version; its id.
    @discardableResult
    static func add(_ content: ArraySlice<UInt8>, contentType: String, fileName: String?, _ metadata: DocumentMetadata,
                    caseId: Identifier, vault: DocumentVault, cause: Cause, on c: PostgresConnection) throws -> Identifier {
        let documentId = Identifier()
        try insert(documentId, caseId: caseId, metadata, actor: cause.actor, on: c)
        try addVersion(content, contentType: contentType, fileName: fileName, of: documentId, version: 1, caseId: caseId,
                       category: metadata.category, link: metadata.link, vault: vault, cause: cause, on: c)
        return documentId
    }

    /// `content` as `version` of a document, made its current version.
    static func addVersion(_ content: ArraySlice<UInt8>, contentType: String, fileName: String?, of documentId: Identifier, version: Int,
                           caseId: Identifier, category: DocumentCategory, link: DocumentLink?, vault: DocumentVault, cause: Cause,
                           on c: PostgresConnection) throws {
        guard let key = try vault.caseKey(caseId, create: true, on: c) else {
            throw DocumentContentDamaged("the key of case \(caseId) was not created")
        }
        let sealed = try vault.seal(content, documentId: documentId, version: version, key: key, on: c)
        try addVersion(documentId, DocumentVersion(
            version: version, contentType: contentType, fileName: fileName, sizeBytes: sealed.sizeBytes, sha256: sealed.sha256,
            addedAt: Date(), addedByOrg: cause.actor.organisation, contentErasedAt: nil, chunkSize: vault.chunkSize,
            chunkCount: sealed.chunkCount), on: c)
        try Emitter.coordination(cause, on: c).emit(DocumentAdded(
            caseId: caseId, documentId: documentId, version: version, category: category, contentType: contentType,
            sizeBytes: sealed.sizeBytes, sha256: sealed.sha256, linkKind: link?.kind, linkId: link?.id), caseId: caseId)
    }
}
