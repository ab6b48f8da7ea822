import Foundation
import IASContracts
import IASMessaging
import IASPostgres
import IASRuntime

/// The audit trail of personal-data access of every service, kept from their
/// audit.PersonalDataAccessed events: identifiers and routes only, never the data read.
enum AuditLog {
    /// The Swiss data protection ordinance asks that logs of sensitive data, reads included,
    /// be kept at least one year: the configured retention may not go below that.
    static let minimumRetentionDays = 365

    /// Deletes the oldest part of the chain, up to the last record older than the retention,
    /// and leaves a retention anchor (its last place and hash) where verification starts
    /// (a scheduled job; idempotent). It runs through `audit.purge_chain`, a function of the
    /// owner: the runtime role may not DELETE, and the function keeps at least the minimum.
    static func purge(olderThanDays days: Int, on c: PostgresConnection) throws -> Int {
        try c.query("SELECT audit.purge_chain($1) AS deleted", [max(days, minimumRetentionDays)])[0].int("deleted")
    }

    /// Appends the record to the chain, once per audit id; the caller's transaction holds the
    /// chain's lock until it commits (a batch of events appends in one go).
    static func apply(_ envelope: EventEnvelope, on c: PostgresConnection) throws {
        guard envelope.type == PersonalDataAccessed.eventType else {
            throw EventRejected("message \(envelope.id) on the audit topic has type \(envelope.type)")
        }
        let e = try envelope.payload(PersonalDataAccessed.self)
        let disclosed = e.disclosed ?? []
        try AuditChain.lock(on: c)
        _ = try AuditChain.append(AuditChain.Link(
            seq: 0, auditId: envelope.id.description, service: e.service, subject: e.subject, org: e.organisation, roles: e.roles,
            action: e.action.rawValue, method: e.method, route: e.route, caseId: e.caseId?.description, personId: e.personId?.description,
            status: e.status, requestId: e.requestId, at: e.at.postgresText ?? "", disclosedCaseIds: disclosed.compactMap(\.caseId?.description),
            disclosedPersonIds: disclosed.compactMap(\.personId?.description), query: e.query, prevHash: ""), on: c)
    }

    struct Entry: Codable, Sendable, RowDecodable {
        let auditId: Identifier
        let service: String
        let subject: String
        let org: String
        let roles: [String]
        let action: String
        let method: String
        let route: String
        let caseId: Identifier?
        let personId: Identifier?
        let status: Int
        let requestId: String
        let at: Date
        /// Every case and person a list, search or conflict named (empty for one record).
        let disclosedCaseIds: [Identifier]
        let disclosedPersonIds: [Identifier]
        /// The normalised filter of a list or search.
        let query: [String: String]?
    }

    struct Filter {
        /// Entries about the case, or whose answer named it among others.
        var caseId: Identifier?
        var personId: Identifier?
        var subject: String?
        var from: Date?
        var to: Date?
        /// The last entry of the previous page (newest first).
        var after: Identifier?
        var limit: Int
    }

    static func search(_ f: Filter, on c: PostgresConnection) throws -> [Entry] {
        try c.query("""
            SELECT audit_id, service, subject, org, roles, action, method, route, case_id, person_id, status, request_id, at,
                   to_jsonb(disclosed_case_ids) AS disclosed_case_ids, to_jsonb(disclosed_person_ids) AS disclosed_person_ids, query
            FROM audit.audit_log
            WHERE ($1::uuid IS NULL OR case_id = $1 OR disclosed_case_ids @> ARRAY[$1::uuid])
              AND ($7::uuid IS NULL OR person_id = $7 OR disclosed_person_ids @> ARRAY[$7::uuid])
              AND ($2::text IS NULL OR subject = $2)
              AND ($3::timestamptz IS NULL OR at >= $3) AND ($4::timestamptz IS NULL OR at < $4)
              AND ($5::uuid IS NULL OR (at, audit_id) < (SELECT p.at, p.audit_id FROM audit.audit_log p WHERE p.audit_id = $5))
            ORDER BY at DESC, audit_id DESC LIMIT $6
            """, [f.caseId, f.subject, f.from, f.to, f.after, f.limit, f.personId]).map(Entry.init)
    }
}
