import IASContracts
import IASPostgres
import IASRuntime
import IASServiceKit

/// The scheduled job that erases the content of withdrawn documents once the retention rule
/// of their category (`document_retention`, days after the withdrawal) has run out. The
/// description stays, marked erased, for the audit.
extension CoordinationApp {
    func eraseWithdrawnDocuments() throws {
        // The withdrawn-documents rule of the retention rules is the source; the table is what the query below joins.
        try host.write { try DocumentErasure.apply(host.retention.rules[.withdrawnDocuments], on: $0) }
        // Batches of 500 in transactions of their own, until none is due.
        var erased = 0
        while true {
            let n = try host.write { try DocumentErasure.run(limit: 500, on: $0) }
            erased += n
            if n < 500 { break }
        }
        if erased > 0 {
            host.logger.info("content of withdrawn documents erased after their retention", ["versions": String(erased)])
            host.metrics.increment("ias_documents_erased_total", help: "Document versions whose content was erased after retention.",
                                   by: Double(erased))
        }
    }
}

enum DocumentErasure {
    /// Writes the days of each category (its own period, or the rule's `keep`) into `document_retention`.
    static func apply(_ rule: RetentionRules.Rule, on c: PostgresConnection) throws {
        for category in DocumentCategory.allCases {
            let days = (rule.byCategory[category.rawValue] ?? rule.keep).approximateDays
            try c.execute("""
                INSERT INTO document_retention (category, erase_after_days) VALUES ($1, $2)
                ON CONFLICT (category) DO UPDATE SET erase_after_days = EXCLUDED.erase_after_days
                WHERE document_retention.erase_after_days <> EXCLUDED.erase_after_days
                """, [category.rawValue, days])
        }
    }

    /// Erases up to `limit` due versions; the number erased.
    static func run(limit: Int, on c: PostgresConnection) throws -> Int {
        let due = try c.query("""
            SELECT v.document_id, v.version FROM document_versions v
            JOIN documents d ON d.document_id = v.document_id
            JOIN document_retention r ON r.category = d.category
            WHERE d.withdrawn_at IS NOT NULL AND v.content_erased_at IS NULL
              AND d.withdrawn_at + make_interval(days => r.erase_after_days) <= now()
            ORDER BY d.withdrawn_at LIMIT $1 FOR UPDATE OF v SKIP LOCKED
            """, [limit])
        for row in due {
            let id = try row.identifier("document_id"), version = try row.int("version")
            try c.execute("DELETE FROM document_chunks WHERE document_id = $1 AND version = $2", [id, version])
            try c.execute("UPDATE document_versions SET content_erased_at = now() WHERE document_id = $1 AND version = $2", [id, version])
        }
        return due.count
    }
}
