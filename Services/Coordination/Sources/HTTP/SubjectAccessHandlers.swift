import Foundation
import IASContracts
import IASCrypto
import IASHTTP
import IASHTTPClient
import IASPostgres
import IASRuntime
import IASServiceKit

/// `GET /subject-access/{personId}/archive`: everything the suite holds about a person as one
/// archive (`SubjectAccessArchive`), for the canton's answer to the person's access request.
///
/// The other four services are asked with the caller's own token, so that their access rules
/// and audit apply to it as to any read. A service that does not give its part refuses the
/// whole export (502): an archive that silently lacks a service would tell the person that
/// this is all there is, and the operator can simply ask again once it answers.
extension CoordinationApp {
    /// Coordination's own tables that are not the person's data.
    static let subjectAccessWithheld: [SubjectAccessReport.Withheld] = [
        .init(table: "case_keys", reason: "the case's document key, wrapped: a secret that protects the documents, which are included decrypted"),
        .init(table: "document_chunks", reason: "the documents' sealed content: included decrypted under documents/"),
    ]

    func subjectAccessArchive(_ context: RequestContext) throws -> HTTPResponse {
        let personId = try context.pathId("personId", "person")
        var parts: [(service: String, report: SubjectAccessReport, bytes: [UInt8])] = []
        var failures: [String] = []
        for (service, endpoint) in subjectAccess.endpoints {
            switch fetchPart(service, endpoint, personId, context) {
            case .success(let part): parts.append((service, part.report, part.bytes))
            case .failure(let reason): failures.append(reason.description)
            }
        }
        guard failures.isEmpty else {
            throw Problem.status(502, "The export is refused as a whole, nothing was exported: \(failures.joined(separator: "; ")). "
                                 + "Ask again when every service answers.")
        }
        let own = try host.read {
            try SubjectAccessQuery.gather(personId: personId, service: "coordination", withheld: Self.subjectAccessWithheld, on: $0)
        }
        parts.append(("coordination", own, try JSONCoding.encode(own)))
        let caseIds = Set(parts.flatMap(\.report.caseIds)).sorted()
        guard !caseIds.isEmpty || parts.contains(where: { $0.report.recordCount > 0 }) else {
            throw Problem.notFound("no person with this id in any service")
        }
        context.disclose(caseIds.map { DisclosedRecord(caseId: $0, personId: personId) })

        let principal = context.principal
        var archive = SubjectAccessArchive(
            manifest: .init(personId: personId, caseIds: caseIds, createdAt: Date(),
                            createdBy: .init(subject: principal.subject, organisation: principal.organisation, roles: principal.roles.sorted()),
                            requestId: context.request.requestId),
            maxBytes: subjectAccess.maxBytes)
        do {
            for part in parts {
                try archive.add("services/\(part.service).json", part.bytes, service: part.service, records: part.report.recordCount,
                                tables: Dictionary(part.report.tables.map { ($0.table, $0.count) } + [("outbox", part.report.outbox.count)],
                                                   uniquingKeysWith: +))
                for withheld in part.report.withheld {
                    archive.omit(part.service, withheld.columns.map { "columns \($0.joined(separator: ", ")) of \(withheld.table)" } ?? "table \(withheld.table)",
                                 withheld.reason)
                }
            }
            try addDocuments(of: caseIds, to: &archive)
            try addAccesses(personId: personId, caseIds: caseIds, to: &archive)
            Self.omitGenerally(&archive)
            let bytes = try archive.finished()
            return .download(bytes, contentType: "application/zip", fileName: "subject-access-\(personId).zip", etag: nil,
                             request: context.request)
        } catch let tooLarge as SubjectAccessArchive.TooLarge {
            throw Problem.status(413, "The archive of this person would exceed IAS_SUBJECT_ACCESS_MAX_BYTES (\(tooLarge.limit) bytes); "
                                 + "it is refused as a whole rather than cut short. Raise the limit for this export.")
        }
    }

    struct PartFailure: Error, CustomStringConvertible {
        let description: String
    }

    /// One service's part, with the caller's token and the request's correlation id.
    private func fetchPart(_ service: String, _ endpoint: ServiceEndpoint, _ personId: Identifier, _ context: RequestContext)
        -> Result<(report: SubjectAccessReport, bytes: [UInt8]), PartFailure> {
        var configuration = HTTPClientConfiguration(host: endpoint.host, port: endpoint.port, readTimeout: subjectAccess.timeoutSeconds)
        configuration.maxBodyBytes = subjectAccess.maxBytes
        let client = HTTPClient(configuration)
        defer { client.close() }
        var headers = [("X-Correlation-Id", context.correlationId.description), ("Accept", "application/json")]
        if let authorization = context.request.header("Authorization") { headers.append(("Authorization", authorization)) }
        do {
            let response = try client.request("GET", SubjectAccessReport.path(personId), headers: headers)
            guard response.status == 200 else {
                let detail = (try? response.json())?["detail"]?.stringValue ?? ""
                return .failure(PartFailure(description: "\(service) answered \(response.status) \(detail)"))
            }
            let report = try JSONCoding.decode(SubjectAccessReport.self, from: response.body)
            guard report.personId == personId, report.service == service else {
                return .failure(PartFailure(description: "\(service) answered for another person or service"))
            }
            return .success((report, response.body))
        } catch {
            host.logger.warning("a service did not give its part of an export", ["service": service, "error": "\(error)"])
            return .failure(PartFailure(description: "\(service) did not answer (\(error))"))
        }
    }

    /// Every version of every document of the person's cases, withdrawn ones included,
    /// decrypted; a version whose content was erased under the retention rule is named as such.
    private func addDocuments(of caseIds: [Identifier], to archive: inout SubjectAccessArchive) throws {
        try host.read { c in
            for caseId in caseIds {
                let documents = try DocumentStore.all(caseId: caseId, on: c)
                guard !documents.isEmpty else { continue }
                let caseKey: SymmetricKey?
                do {
                    caseKey = try self.documents.vault.caseKey(caseId, create: false, on: c)
                } catch {
                    archive.omit("coordination", "the content of the documents of case \(caseId)",
                                 "the case's key was destroyed under the retention rule: the content can no longer be read by anyone")
                    continue
                }
                for document in documents {
                    for version in try DocumentStore.versions(document.documentId, on: c) {
                        let name = "documents/\(caseId)/\(document.documentId)/v\(version.version)-" + Self.fileName(document, version)
                        guard version.contentErasedAt == nil, let caseKey else {
                            archive.omit("coordination", name, "the content of this version was erased under the retention rule")
                            continue
                        }
                        let bytes = try self.documents.vault.open(documentId: document.documentId, version: version, key: caseKey, on: c)
                        try archive.add(name, bytes, service: "coordination", records: 1, document: .init(
                            caseId: caseId, documentId: document.documentId, version: version.version, title: document.title,
                            category: document.category.rawValue, contentType: version.contentType, fileName: version.fileName,
                            addedAt: version.addedAt, withdrawn: document.isWithdrawn))
                    }
                }
            }
        }
    }

    /// The name the document was uploaded with, else its title with the usual extension of its type.
    static func fileName(_ document: DocumentRecord, _ version: DocumentVersion) -> String {
        if let uploaded = version.fileName.flatMap({ FileName.sanitize($0) }) { return uploaded }
        let title = FileName.sanitize(document.title.replacingOccurrences(of: "/", with: "-").replacingOccurrences(of: "\\", with: "-"))
            ?? document.category.rawValue
        return DocumentFormat.named(by: version.contentType).map { "\(title).\($0.fileExtension)" } ?? title
    }

    /// Who read or changed the person's data, from the audit trail: every entry about the
    /// person or one of their cases, oldest first.
    private func addAccesses(personId: Identifier, caseIds: [Identifier], to archive: inout SubjectAccessArchive) throws {
        var seen = Set<Identifier>()
        var accesses: [SubjectAccess] = []
        try host.read { c in
            var filters = [AuditLog.Filter(personId: personId, limit: 1000)]
            filters += caseIds.map { AuditLog.Filter(caseId: $0, limit: 1000) }
            for var filter in filters {
                while true {
                    let page = try AuditLog.search(filter, on: c)
                    for entry in page where seen.insert(entry.auditId).inserted { accesses.append(SubjectAccess(entry, caseIds: caseIds)) }
                    guard page.count == filter.limit, let last = page.last else { break }
                    filter.after = last.auditId
                }
            }
        }
        accesses.sort { ($0.at, $0.auditId) < ($1.at, $1.auditId) }
        try archive.add("accesses.json", try JSONCoding.encode(SubjectAccessList(count: accesses.count, accesses: accesses)),
                        service: "coordination", records: accesses.count)
    }

    private static func omitGenerally(_ archive: inout SubjectAccessArchive) {
        archive.omit("coordination", "the filters of searches and the other persons a list named, in accesses.json",
                     "they are about other persons or about how a case worker searched, not about you")
        archive.omit("all", "accesses of the last seconds, this export's own included",
                     "each service reports an access to the audit trail within seconds; the trail keeps them at least a year")
        archive.omit("all", "events in the message broker's topics and in backups",
                     "copies of the records above, kept for a limited time for delivery and recovery; not read back one person at a time")
    }

    struct SubjectAccessList: Encodable {
        let count: Int
        let accesses: [SubjectAccess]
    }

    /// One entry of the trail as the person sees it: who (subject, organisation, roles), when,
    /// what (service, route, read or write), and how it was answered.
    struct SubjectAccess: Encodable {
        let auditId: Identifier
        let at: Date
        let subject: String
        let organisation: String
        let roles: [String]
        let service: String
        let action: String
        let method: String
        let route: String
        let status: Int
        let caseId: Identifier?
        let requestId: String

        init(_ entry: AuditLog.Entry, caseIds: [Identifier]) {
            auditId = entry.auditId; at = entry.at; subject = entry.subject; organisation = entry.org; roles = entry.roles
            service = entry.service; action = entry.action; method = entry.method; route = entry.route; status = entry.status
            // A case of the person, else none: a list that named this person among others names no case of theirs.
            caseId = entry.caseId.flatMap { caseIds.contains($0) ? $0 : nil } ?? entry.disclosedCaseIds.first(where: caseIds.contains)
            requestId = entry.requestId
        }
    }
}
