import Foundation
import IASCrypto
import IASPostgres
import IASRuntime

/// The audit trail as a hash chain: every record carries its place (`seq`, gap-free, in the
/// order of appending), the hash of the record before (`prev_hash`) and its own `hash`, the
/// SHA-256 of its canonical form (`canonicalForm`), which includes `prev_hash`. Changing,
/// removing or inserting a record by hand therefore shows at that place (`AuditChainVerification`).
/// Appends are serialised by one transaction-level advisory lock, so that two consumer members
/// never take the same place; they only INSERT (the runtime role may not UPDATE).
enum AuditChain {
    /// The `prev_hash` of the first record of a chain that was never purged.
    static let genesis = String(repeating: "0", count: 64)

    /// Any fixed number; it must never change, and `audit.purge_chain` (migration 0006) takes the same.
    static let lockKey: Int64 = 0x1A5_A0D1_7C4A

    /// The fields of one record that its hash covers: every column of `audit.audit_log`, in the
    /// text forms PostgreSQL gives back (`selectColumns`), so that the append and a later
    /// verification hash the same bytes.
    struct Link: Equatable, Sendable {
        var seq: Int64
        var auditId: String
        var service: String
        var subject: String
        var org: String
        var roles: [String]
        var action: String
        var method: String
        var route: String
        var caseId: String?
        var personId: String?
        var status: Int
        var requestId: String
        /// UTC with microseconds, the precision of `timestamptz`: `2026-05-01T12:34:56.123456Z`.
        var at: String
        var disclosedCaseIds: [String]
        var disclosedPersonIds: [String]
        var query: [String: String]?
        var prevHash: String
    }

    /// One JSON array, the fields in a fixed order, every one present (null when absent):
    /// no field can move into another or drop out without changing the bytes. Identifier sets
    /// are sorted and the query's members are written sorted, so the form does not depend on
    /// the order PostgreSQL returns them in.
    static func canonicalForm(_ link: Link) -> [UInt8] {
        func text(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
        let fields: [JSONValue] = [
            .string("ias.audit.v1"), .string(String(link.seq)), .string(link.auditId), .string(link.service), .string(link.subject),
            .string(link.org), .array(link.roles.map(JSONValue.string)), .string(link.action), .string(link.method),
            .string(link.route), text(link.caseId), text(link.personId), .string(String(link.status)), .string(link.requestId),
            .string(link.at), .array(Set(link.disclosedCaseIds).sorted().map(JSONValue.string)),
            .array(Set(link.disclosedPersonIds).sorted().map(JSONValue.string)),
            link.query.map { .object($0.mapValues(JSONValue.string)) } ?? .null, .string(link.prevHash),
        ]
        // Encoding strings, arrays and objects of strings cannot fail.
        return (try? JSONCoding.encode(JSONValue.array(fields))) ?? []
    }

    /// SHA-256 of the canonical form, lower-case hex.
    static func hash(_ link: Link) -> String {
        SHA256Hasher.hexDigest(canonicalForm(link))
    }

    /// The columns of a record as `Link` reads them.
    static let selectColumns = """
        seq, audit_id::text AS audit_id, service, subject, org, roles, action, method, route,
        case_id::text AS case_id, person_id::text AS person_id, status, request_id,
        to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at_text,
        to_jsonb(disclosed_case_ids) AS disclosed_case_ids, to_jsonb(disclosed_person_ids) AS disclosed_person_ids,
        query, prev_hash, hash
        """

    static func link(_ row: PostgresRow, seq: Int64) throws -> Link {
        Link(seq: seq, auditId: try row.string("audit_id"), service: try row.string("service"), subject: try row.string("subject"),
             org: try row.string("org"), roles: try row.json([String].self, "roles"), action: try row.string("action"),
             method: try row.string("method"), route: try row.string("route"), caseId: try row.optionalString("case_id"),
             personId: try row.optionalString("person_id"), status: try row.int("status"), requestId: try row.string("request_id"),
             at: try row.string("at_text"), disclosedCaseIds: try row.json([String].self, "disclosed_case_ids"),
             disclosedPersonIds: try row.json([String].self, "disclosed_person_ids"),
             query: try row.optionalString("query") == nil ? nil : try row.json([String: String].self, "query"),
             prevHash: try row.optionalString("prev_hash") ?? "")
    }

    /// Takes the chain's lock until the end of the caller's transaction.
    static func lock(on c: PostgresConnection) throws {
        try c.execute("SELECT pg_advisory_xact_lock($1)", [lockKey])
    }

    /// The last place and hash: of the last record, or of the last purge when it removed
    /// everything, or (0, genesis) for a chain never begun.
    static func head(on c: PostgresConnection) throws -> (seq: Int64, hash: String) {
        if let row = try c.query("SELECT seq, hash FROM audit.audit_log WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1").first {
            return (Int64(try row.int("seq")), try row.string("hash"))
        }
        return try retentionStart(on: c)
    }

    /// Where the kept part of the chain begins: after the last purged record, or at the start.
    static func retentionStart(on c: PostgresConnection) throws -> (seq: Int64, hash: String) {
        if let row = try c.query("SELECT up_to_seq, hash FROM audit.retention_anchors ORDER BY up_to_seq DESC LIMIT 1").first {
            return (Int64(try row.int("up_to_seq")), try row.string("hash"))
        }
        return (0, genesis)
    }

    /// Appends one record (its `seq` and `prevHash` are taken from the head); false when a
    /// record of that audit id is already there. The caller's transaction must hold `lock`.
    static func append(_ link: Link, on c: PostgresConnection) throws -> Bool {
        if try !c.query("SELECT 1 FROM audit.audit_log WHERE audit_id = $1::uuid", [link.auditId]).isEmpty { return false }
        let head = try head(on: c)
        var link = link
        link.seq = head.seq + 1
        link.prevHash = head.hash
        try c.execute("""
            INSERT INTO audit.audit_log (seq, audit_id, service, subject, org, roles, action, method, route, case_id, person_id,
                                         status, request_id, at, disclosed_case_ids, disclosed_person_ids, query, prev_hash, hash)
            VALUES ($1, $2::uuid, $3, $4, $5, $6::jsonb, $7, $8, $9, $10::uuid, $11::uuid, $12, $13, $14::timestamptz,
                    $15::uuid[], $16::uuid[],
                    $17::jsonb, $18, $19)
            """, [link.seq, link.auditId, link.service, link.subject, link.org, try PostgresJSON(link.roles), link.action, link.method,
                  link.route, link.caseId, link.personId, link.status, link.requestId, link.at,
                  PostgresArray(Set(link.disclosedCaseIds).sorted()), PostgresArray(Set(link.disclosedPersonIds).sorted()),
                  try link.query.map { try PostgresJSON($0) }, link.prevHash, hash(link)])
        return true
    }

    /// Chains the records that have no place yet (those kept before the chain existed, in the
    /// order of `at, audit_id`), after the head. Runs as the owner after the migrations, at every
    /// start; there is nothing to do once they are chained.
    @discardableResult
    static func chainUnchained(on c: PostgresConnection) throws -> Int {
        try lock(on: c)
        let rows = try c.query("SELECT \(selectColumns) FROM audit.audit_log WHERE seq IS NULL ORDER BY at, audit_id")
        guard !rows.isEmpty else { return 0 }
        var head = try head(on: c)
        for row in rows {
            var link = try link(row, seq: head.seq + 1)
            link.prevHash = head.hash
            let hash = hash(link)
            try c.execute("UPDATE audit.audit_log SET seq = $1, prev_hash = $2, hash = $3 WHERE audit_id = $4::uuid",
                          [link.seq, link.prevHash, hash, link.auditId])
            head = (link.seq, hash)
        }
        return rows.count
    }
}
