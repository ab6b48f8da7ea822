import Foundation
import IASContracts
import IASHTTP
import IASPostgres
import IASRuntime
import IASServiceKit

/// `/cases/{caseId}/documents…`: the documents of a case. Access is the case's: the
/// responsible organisation and the canton offices that see every case; every read of a
/// description or of content is audited with the document it named.
extension CoordinationApp {
    func addDocument(_ context: RequestContext) throws -> HTTPResponse {
        let caseId = try context.pathId("caseId", "case")
        let upload = try DocumentUpload.read(context.request, describe: true, maxBytes: documents.maxBytes, today: .today())
        guard let metadata = upload.metadata else { throw Problem.badRequest("The document has no description.") }
        return try host.write(context) { c in
            try context.access(CaseSnapshot.lock(caseId, on: c), forChange: true)
            if let link = metadata.link, try !DocumentStore.linkExists(link, caseId: caseId, on: c) {
                throw Refusal.breaksRule("the linked \(link.kind.rawValue) is not a record of this case",
                                         fields: [FieldError(field: "linkId", message: "names no \(link.kind.rawValue) of this case")])
            }
            let documentId = try DocumentStore.add(upload.content, contentType: upload.contentType, fileName: upload.fileName, metadata,
                                                   caseId: caseId, vault: documents.vault, cause: context.cause, on: c)
            context.recordFilter(["documentId": documentId.description])
            return .json(try DocumentStore.find(caseId: caseId, documentId, on: c), status: 201,
                         headers: [("Location", "/cases/\(caseId)/documents/\(documentId)")])
        }
    }

    /// A new version replaces the current one; the older ones stay as the document's history.
    func addDocumentVersion(_ context: RequestContext) throws -> HTTPResponse {
        let caseId = try context.pathId("caseId", "case")
        let documentId = try context.pathId("documentId", "document")
        let upload = try DocumentUpload.read(context.request, describe: false, maxBytes: documents.maxBytes, today: .today())
        return try host.write(context) { c in
            try context.access(CaseSnapshot.lock(caseId, on: c), forChange: true)
            context.recordFilter(["documentId": documentId.description])
            guard let document = try DocumentStore.find(caseId: caseId, documentId, lock: true, on: c) else {
                throw Refusal.notFound("no document with this id for this case")
            }
            guard !document.isWithdrawn else { throw Refusal.conflict("this document was withdrawn; add a new document instead") }
            try context.checkIfMatch(current: document.current.etag, required: false)
            try DocumentStore.addVersion(upload.content, contentType: upload.contentType, fileName: upload.fileName, of: documentId,
                                         version: document.current.version + 1, caseId: caseId, category: document.category,
                                         link: document.link, vault: documents.vault, cause: context.cause, on: c)
            var answer = try DocumentStore.find(caseId: caseId, documentId, on: c)
            answer?.versions = try DocumentStore.versions(documentId, on: c)
            return .json(answer, status: 201, headers: [("Location", "/cases/\(caseId)/documents/\(documentId)")])
        }
    }

    func listDocuments(_ context: RequestContext) throws -> HTTPResponse {
        let caseId = try context.pathId("caseId", "case")
        let page = try Pagination(context.request)
        let query = context.request.query
        let (filter, errors) = DocumentRules.filter(query, after: page.after, limit: page.fetchLimit)
        try Problem.throwIfInvalid(errors)
        let rows = try host.read { c -> [DocumentRecord] in
            try context.access(CaseSnapshot.find(caseId, on: c))
            return try DocumentStore.page(caseId: caseId, filter, on: c)
        }
        let answer = page.page(rows) { $0.documentId }
        // The audit record names the documents whose descriptions the page disclosed.
        context.recordFilter(["category": query["category"], "linkKind": query["linkKind"], "linkId": query["linkId"],
                              "documentIds": answer.items.map(\.documentId.description).joined(separator: ",")])
        return .json(answer)
    }

    func getDocument(_ context: RequestContext) throws -> HTTPResponse {
        let caseId = try context.pathId("caseId", "case")
        let documentId = try context.pathId("documentId", "document")
        context.recordFilter(["documentId": documentId.description])
        let document = try host.read { c -> DocumentRecord in
            try context.access(CaseSnapshot.find(caseId, on: c))
            guard var document = try DocumentStore.find(caseId: caseId, documentId, on: c) else {
                throw Refusal.notFound("no document with this id for this case")
            }
            document.versions = try DocumentStore.versions(documentId, on: c)
            return document
        }
        var response = HTTPResponse.json(document)
        response.headers.add("ETag", document.current.etag)
        response.headers.add("Cache-Control", "private, no-store")
        return response
    }

    /// The bytes of the current version, or of `?version=`; `Range` and `If-None-Match` as
    /// RFC 9110 has them.
    func documentContent(_ context: RequestContext) throws -> HTTPResponse {
        let caseId = try context.pathId("caseId", "case")
        let documentId = try context.pathId("documentId", "document")
        var query = QueryParameters(context.request)
        let asked = query.value("version", "must be a version number from 1") { Int($0).flatMap { $0 >= 1 ? $0 : nil } }
        try query.throwIfInvalid()
        context.recordFilter(["documentId": documentId.description, "version": asked.map(String.init)])
        return try host.read { c -> HTTPResponse in
            try context.access(CaseSnapshot.find(caseId, on: c))
            guard let document = try DocumentStore.find(caseId: caseId, documentId, on: c) else {
                throw Refusal.notFound("no document with this id for this case")
            }
            if let withdrawn = document.withdrawnAt {
                throw Refusal.gone("this document was withdrawn on \(CalendarDate(utcDayOf: withdrawn)); its content is no longer served")
            }
            let version: DocumentVersion
            if let asked, asked != document.current.version {
                guard let old = try DocumentStore.versions(documentId, on: c).first(where: { $0.version == asked }) else {
                    throw Refusal.notFound("this document has no version \(asked)")
                }
                version = old
            } else {
                version = document.current
            }
            context.recordFilter(["documentId": documentId.description, "version": String(version.version), "sha256": version.sha256])
            if version.contentErasedAt != nil { throw Refusal.gone("the content of this version was erased under the retention rule") }
            let etag = EntityTag(version.sha256)
            let fileName = version.fileName ?? "\(document.category.rawValue)-\(documentId)"
            // The client holds these bytes already: nothing to open.
            if let sent = context.request.header("If-None-Match"), EntityTag.noneMatchNames(sent, current: etag) {
                return .download([], contentType: version.contentType, fileName: fileName, etag: etag, request: context.request)
            }
            guard let key = try documents.vault.caseKey(caseId, create: false, on: c) else {
                throw DocumentContentDamaged("case \(caseId) has documents but no key")
            }
            let bytes = try documents.vault.open(documentId: documentId, version: version, key: key, on: c)
            return .download(bytes, contentType: version.contentType, fileName: fileName, etag: etag, request: context.request)
        }
    }

    /// Withdrawn documents are kept for the audit and no longer listed; their content is
    /// erased after the retention rule of their category (`DocumentErasure`).
    func withdrawDocument(_ context: RequestContext) throws -> HTTPResponse {
        let caseId = try context.pathId("caseId", "case")
        let documentId = try context.pathId("documentId", "document")
        let reason = try context.request.body.isEmpty ? nil : context.request.decode(WithdrawDocumentRequest.self).reason
        if let reason, reason.count > 500 { throw Problem.validation([FieldError(field: "reason", message: "must be at most 500 characters")]) }
        context.recordFilter(["documentId": documentId.description])
        return try host.write(context) { c in
            try context.access(CaseSnapshot.lock(caseId, on: c), forChange: true)
            guard let document = try DocumentStore.find(caseId: caseId, documentId, lock: true, on: c) else {
                throw Refusal.notFound("no document with this id for this case")
            }
            guard !document.isWithdrawn else { throw Refusal.conflict("this document was already withdrawn") }
            try DocumentStore.withdraw(documentId, reason: reason, actor: context.actor, on: c)
            try Emitter.coordination(context.cause, on: c).emit(DocumentWithdrawn(
                caseId: caseId, documentId: documentId, category: document.category, withdrawnOn: .today()), caseId: caseId)
            return .json(try DocumentStore.find(caseId: caseId, documentId, on: c))
        }
    }
}

struct WithdrawDocumentRequest: Decodable {
    let reason: String?
}
