import Foundation
import IASPostgres
import IASRuntime

/// The retention job every service runs (`ScheduledJob` "retention"): deletes the stored
/// answers, published outbox rows and inbox entries past their rule, and erases the cases whose
/// closure lies longer back than the case-data rule (`CaseErasure`, given by the service).
/// Each run is logged with its counts per kind and counted in the metrics. Small batches, each
/// in its own transaction, rows locked with SKIP LOCKED: instances running it at the same
/// time share the work, and a run cut off by a crash leaves nothing half done.
struct RetentionJob: Sendable {
    let host: ServiceHost
    let settings: RetentionSettings

    /// Cases erased in one transaction at most: each touches many tables.
    static let casesPerTransaction = 20

    var scheduled: ScheduledJob {
        ScheduledJob(name: "retention", intervalSeconds: settings.intervalSeconds) { [self] in try run() }
    }

    /// One run; the records deleted per kind (for case-data: the cases erased).
    @discardableResult
    func run() throws -> [RetentionRules.Kind: Int] {
        let rules = settings.rules
        var counts: [RetentionRules.Kind: Int] = [:]
        counts[.idempotencyRecords] = try deleteInBatches(from: "idempotency_keys", where: "created_at < now() - $1::interval",
                                                          rules[.idempotencyRecords].keep)
        counts[.publishedOutboxEvents] = try deleteInBatches(
            from: "outbox", where: "published_at IS NOT NULL AND published_at < now() - $1::interval", rules[.publishedOutboxEvents].keep)
        counts[.inboxEntries] = try deleteInBatches(from: "inbox", where: "received_at < now() - $1::interval", rules[.inboxEntries].keep)
        var rows = 0
        if let erasure = host.caseErasure.current {
            (counts[.caseData], rows) = try eraseDueCases(erasure, after: rules[.caseData].keep)
        }
        for (kind, n) in counts where n > 0 {
            host.metrics.increment("ias_retention_records_deleted_total",
                                   help: "Records deleted by the retention job, by kind (case-data: cases erased).",
                                   labels: ["kind": kind.rawValue], by: Double(n))
        }
        host.retentionLastSuccess.withLock { $0 = Date().timeIntervalSince1970 }
        var fields = Dictionary(uniqueKeysWithValues: counts.map { ($0.key.rawValue, String($0.value)) })
        fields["caseRowsErased"] = String(rows)
        fields["rules"] = rules.version
        host.logger.info("retention run", fields)
        return counts
    }

    /// Deletes the rows of `table` matching `condition` (with the period as $1) in batches.
    private func deleteInBatches(from table: String, where condition: String, _ period: RetentionPeriod) throws -> Int {
        var total = 0
        while true {
            // The table and condition are constants of this file, never input.
            let n = try host.pool.transaction { c in
                try c.execute("""
                    DELETE FROM \(table) WHERE ctid IN (
                        SELECT ctid FROM \(table) WHERE \(condition) LIMIT $2 FOR UPDATE SKIP LOCKED)
                    """, [period.iso, settings.batchSize])
            }
            total += n
            if n < settings.batchSize { return total }
        }
    }

    /// Erases the due cases in transactions of a few cases each; the cases and the rows erased.
    private func eraseDueCases(_ erasure: CaseErasure, after period: RetentionPeriod) throws -> (cases: Int, rows: Int) {
        var cases = 0, rows = 0
        while true {
            let (n, selected, r) = try host.write { c -> (Int, Int, Int) in
                // Computed by the database: the calendar arithmetic of the interval, today as it sees it.
                guard let row = try c.query("SELECT (current_date - $1::interval)::date AS day", [period.iso]).first else { return (0, 0, 0) }
                let due = try erasure.due(try row.calendarDate("day"), Self.casesPerTransaction, c)
                var rows = 0, erased = 0
                for caseId in due where try ErasedCases.tryLockForErasure(caseId, on: c) {
                    erased += 1
                    rows += try erasure.erase(caseId, c)
                    rows += try Self.eraseSharedRecords(of: caseId, registry: host.usesCaseRegistry, on: c)
                    try ErasedCases.record(caseId, on: c)
                }
                return (erased, due.count, rows)
            }
            cases += n; rows += r
            // A batch with a case a consumer held is not the last: that case waits for the next run.
            if selected < Self.casesPerTransaction || n == 0 { return (cases, rows) }
        }
    }

    /// What the shared tables hold of a case: its published events in the outbox (their
    /// payloads carry the person's data), the stored answers that disclosed it, its registry
    /// entry, and the key of its events (gone here even if intake's destruction comes later;
    /// `erased_cases` skips the case's events from now on).
    static func eraseSharedRecords(of caseId: Identifier, registry: Bool, on c: PostgresConnection) throws -> Int {
        var n = try c.execute("DELETE FROM outbox WHERE partition_key = $1 AND published_at IS NOT NULL", [caseId.description])
        n += try CaseEventKeys.forget(caseId, on: c)
        n += try c.execute("""
            DELETE FROM idempotency_keys WHERE disclosed @> jsonb_build_array(jsonb_build_object('caseId', $1::text))
            """, [caseId.description])
        if registry { n += try c.execute("DELETE FROM case_registry WHERE case_id = $1", [caseId]) }
        return n
    }
}
