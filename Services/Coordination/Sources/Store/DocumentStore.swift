import Foundation
import IASContracts
import IASMessaging
import IASPostgres
import IASRuntime
import IASServiceKit

/// One version of a document's content, as stored (the content itself is in DocumentVault).
struct DocumentVersion: Codable, Sendable, RowDecodable {
    let version: Int
    let contentType: String
    let fileName: String?
    let sizeBytes: Int
    let sha256: String
    let addedAt: Date
    let addedByOrg: String
    let contentErasedAt: Date?
    /// How the content is sealed: not part of the answer.
    let chunkSize: Int
    let chunkCount: Int

    enum CodingKeys: String, CodingKey {
        case version, contentType, fileName, sizeBytes, sha256, addedAt, addedByOrg, contentErasedAt, chunkSize, chunkCount
    }

    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(version, forKey: .version); try c.encode(contentType, forKey: .contentType)
        try c.encodeIfPresent(fileName, forKey: .fileName); try c.encode(sizeBytes, forKey: .sizeBytes)
        try c.encode(sha256, forKey: .sha256); try c.encode(addedAt, forKey: .addedAt); try c.encode(addedByOrg, forKey: .addedByOrg)
        try c.encodeIfPresent(contentErasedAt, forKey: .contentErasedAt)
    }

    /// A strong validator of exactly these bytes.
    var etag: String { "\"\(sha256)\"" }
}

/// A document of a case with its current version; `versions` only where one document is asked for.
struct DocumentRecord: Encodable, Sendable {
    let documentId: Identifier
    let caseId: Identifier
    let category: DocumentCategory
    let certificateKind: CertificateKind?
    let title: String
    let issuedOn: CalendarDate?
    let link: DocumentLink?
    /// current or withdrawn
    let status: String
    let current: DocumentVersion
    let addedAt: Date
    let addedByOrg: String
    let withdrawnAt: Date?
    let withdrawnByOrg: String?
    let withdrawalReason: String?
    var versions: [DocumentVersion]?

    var isWithdrawn: Bool { withdrawnAt != nil }
}

extension DocumentRecord {
    /// The documents table joined with each document's current version.
    static let columns = """
        d.document_id, d.case_id, d.category, d.certificate_kind, d.title, d.issued_on, d.link_kind, d.link_id, d.added_at,
        d.added_by_org, d.withdrawn_at, d.withdrawn_by_org, d.withdrawal_reason,
        v.version, v.content_type, v.file_name, v.size_bytes, v.sha256, v.added_at AS version_added_at,
        v.added_by_org AS version_added_by_org, v.content_erased_at, v.chunk_size, v.chunk_count
        """

    init(row: PostgresRow) throws {
        let current = DocumentVersion(
            version: try row.int("version"), contentType: try row.string("content_type"), fileName: try row.optionalString("file_name"),
            sizeBytes: try row.int("size_bytes"), sha256: try row.string("sha256"), addedAt: try row.date("version_added_at"),
            addedByOrg: try row.string("version_added_by_org"), contentErasedAt: try row.optionalDate("content_erased_at"),
            chunkSize: try row.int("chunk_size"), chunkCount: try row.int("chunk_count"))
        let kind: DocumentLinkKind? = try row.optionalEnumValue("link_kind")
        let withdrawnAt = try row.optionalDate("withdrawn_at")
        self.init(documentId: try row.identifier("document_id"), caseId: try row.identifier("case_id"),
                  category: try row.enumValue("category"), certificateKind: try row.optionalEnumValue("certificate_kind"), title: try row.string("title"),
                  issuedOn: try row.optionalCalendarDate("issued_on"),
                  link: try kind.flatMap { kind in try row.optionalIdentifier("link_id").map { DocumentLink(kind: kind, id: $0) } },
                  status: withdrawnAt == nil ? "current" : "withdrawn", current: current, addedAt: try row.date("added_at"),
                  addedByOrg: try row.string("added_by_org"), withdrawnAt: withdrawnAt, withdrawnByOrg: try row.optionalString("withdrawn_by_org"),
                  withdrawalReason: try row.optionalString("withdrawal_reason"), versions: nil)
    }
}

/// What a list of documents is narrowed to.
struct DocumentFilter: Sendable {
    var category: DocumentCategory?
    var linkKind: DocumentLinkKind?
    var linkId: Identifier?
    var after: Identifier?
    var limit: Int
}

/// The documents' descriptions and versions; their content is DocumentVault's.
enum DocumentStore {
    private static let joined = "documents d JOIN document_versions v ON v.document_id = d.document_id AND v.version = d.current_version"

    static func insert(_ id: Identifier, caseId: Identifier, _ metadata: DocumentMetadata, actor: IASMessaging.Actor, on c: PostgresConnection) throws {
        try c.execute("""
            INSERT INTO documents (document_id, case_id, category, certificate_kind, title, issued_on, link_kind, link_id,
                                   current_version, added_by_org, added_by_subject)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, $9, $10)
            """, [id, caseId, metadata.category.rawValue, metadata.certificateKind?.rawValue, metadata.title, metadata.issuedOn,
                  metadata.link?.kind.rawValue, metadata.link?.id, actor.organisation, actor.subject])
    }

    /// Records a sealed version and makes it the current one.
    static func addVersion(_ id: Identifier, _ version: DocumentVersion, on c: PostgresConnection) throws {
        try c.execute("""
            INSERT INTO document_versions (document_id, version, content_type, file_name, size_bytes, sha256, chunk_size, chunk_count, added_by_org)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
            """, [id, version.version, version.contentType, version.fileName, version.sizeBytes, version.sha256, version.chunkSize,
                  version.chunkCount, version.addedByOrg])
        try c.execute("UPDATE documents SET current_version = $2 WHERE document_id = $1", [id, version.version])
    }

    /// The document of this case (withdrawn or not), or nil; `lock` holds it until the transaction ends.
    static func find(caseId: Identifier, _ id: Identifier, lock: Bool = false, on c: PostgresConnection) throws -> DocumentRecord? {
        let rows = try c.query("SELECT \(DocumentRecord.columns) FROM \(joined) WHERE d.case_id = $1 AND d.document_id = $2"
                               + (lock ? " FOR UPDATE OF d" : ""), [caseId, id])
        return try rows.first.map(DocumentRecord.init)
    }

    static func versions(_ id: Identifier, on c: PostgresConnection) throws -> [DocumentVersion] {
        try c.query("""
            SELECT version, content_type, file_name, size_bytes, sha256, added_at, added_by_org, content_erased_at, chunk_size, chunk_count
            FROM document_versions WHERE document_id = $1 ORDER BY version
            """, [id]).map(DocumentVersion.init)
    }

    /// The case's documents that are not withdrawn, by id, after the cursor.
    static func page(caseId: Identifier, _ filter: DocumentFilter, on c: PostgresConnection) throws -> [DocumentRecord] {
        let statement = listQuery(caseId: caseId, filter)
        return try records(try c.query(statement.sql, statement.parameters))
    }

    static func listQuery(caseId: Identifier, _ filter: DocumentFilter) -> PostgresStatement {
        PostgresStatement("""
            SELECT \(DocumentRecord.columns) FROM \(joined)
            WHERE d.case_id = $1 AND d.withdrawn_at IS NULL AND ($2::text IS NULL OR d.category = $2)
              AND ($3::text IS NULL OR d.link_kind = $3) AND ($4::uuid IS NULL OR d.link_id = $4)
              AND ($5::uuid IS NULL OR d.document_id > $5)
            ORDER BY d.document_id LIMIT $6
            """, [caseId, filter.category?.rawValue, filter.linkKind?.rawValue, filter.linkId, filter.after, filter.limit])
    }

    static func records(_ rows: [PostgresRow]) throws -> [DocumentRecord] {
        try rows.map(DocumentRecord.init)
    }

    static func withdraw(_ id: Identifier, reason: String?, actor: IASMessaging.Actor, on c: PostgresConnection) throws {
        try c.execute("""
            UPDATE documents SET withdrawn_at = now(), withdrawn_by_org = $2, withdrawal_reason = $3 WHERE document_id = $1
            """, [id, actor.organisation, reason])
    }

    /// Whether `link` names a record of this case that coordination knows (the dossier's
    /// tables and its own consents).
    static func linkExists(_ link: DocumentLink, caseId: Identifier, on c: PostgresConnection) throws -> Bool {
        let table: (String, String)
        switch link.kind {
        case .measure: table = ("measures", "measure_id")
        case .costApproval: table = ("approvals", "approval_id")
        case .consent: table = ("consents", "consent_id")
        case .agreement: table = ("plans", "plan_id")
        case .finalReport: table = ("final_reports", "report_id")
        }
        return try !c.query("SELECT 1 FROM \(table.0) WHERE \(table.1) = $1 AND case_id = $2", [link.id, caseId]).isEmpty
    }
}
