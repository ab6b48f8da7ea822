import IASContracts
import IASPostgres

/// Compares the live dossier tables with those in `dossier_rebuild`, row by row, in one
/// snapshot (REPEATABLE READ) of coordination's database.
///
/// The live consumer may go on consuming meanwhile. The rebuild stopped at the offsets the
/// live group had committed, so every event before them is in both; a case that events after
/// them changed (an event in the live inbox but not in the rebuild's) is left out and counted.
enum DossierComparison {
    static func run(live: String, samplesPerKind: Int, on pool: PostgresPool) throws -> DossierComparisonReport {
        try pool.transaction(isolation: .repeatableRead) { c in
            let leftOut = leftOutCasesSQL(live: live)
            var report = DossierComparisonReport(
                tables: [],
                casesLeftOut: try c.query("WITH left_out AS (\(leftOut)) SELECT count(*) AS n FROM left_out")[0].int("n"),
                eventsAfterEnd: try c.query("SELECT count(*) AS n FROM (\(eventsAfterEndSQL(live: live))) e")[0].int("n"))
            for table in DossierTables.all {
                report.tables.append(try compare(table, live: live, leftOut: leftOut, samplesPerKind: samplesPerKind, on: c))
            }
            return report
        }
    }

    /// Events the live consumer applied that the rebuild did not (those after its end offsets).
    static func eventsAfterEndSQL(live: String) -> String {
        """
        SELECT i.event_id FROM \(live).inbox i
        WHERE i.consumer = '\(DossierTables.consumer)'
          AND NOT EXISTS (SELECT 1 FROM \(DossierTables.rebuildSchema).inbox r WHERE r.event_id = i.event_id)
        """
    }

    /// The cases those events are about: the event's subject and the caseId of its data.
    static func leftOutCasesSQL(live: String) -> String {
        """
        SELECT DISTINCT x.case_id FROM \(live).timeline t
        CROSS JOIN LATERAL (VALUES (t.case_id), (t.data->>'caseId')) AS x (case_id)
        WHERE t.event_id IN (\(eventsAfterEndSQL(live: live))) AND x.case_id IS NOT NULL
        """
    }

    /// The compared columns: every column of the live table but the bookkeeping ones.
    static func columns(of table: DossierTable, live: String, on c: PostgresConnection) throws -> [String] {
        let all = try c.query("""
            SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position
            """, [live, table.name]).map { try $0.string("column_name") }
        guard !all.isEmpty else { throw RebuildError("table \(live).\(table.name) not found in coordination's database") }
        return all.filter { !table.bookkeeping.contains($0) }
    }

    private static func compare(_ table: DossierTable, live: String, leftOut: String, samplesPerKind: Int,
                                on c: PostgresConnection) throws -> DossierComparisonReport.Table {
        let columns = try columns(of: table, live: live, on: c)
        let list = columns.map { "t.\(PostgresConnection.quotedIdentifier($0))" }.joined(separator: ", ")
        let notLeftOut = "NOT EXISTS (SELECT 1 FROM left_out o WHERE o.case_id = t.\(table.caseColumn)::text)"
        let own = table.ownRows.map { " AND NOT (\($0))" } ?? ""
        let k0 = PostgresConnection.quotedIdentifier(table.key[0])
        let keyJoin = table.key.map { "l.\(PostgresConnection.quotedIdentifier($0)) = r.\(PostgresConnection.quotedIdentifier($0))" }.joined(separator: " AND ")
        let keyText = "concat_ws('/', " + table.key.map { "COALESCE(l.\(PostgresConnection.quotedIdentifier($0)), r.\(PostgresConnection.quotedIdentifier($0)))::text" }.joined(separator: ", ") + ")"
        let changed = "ARRAY[" + columns.map { "CASE WHEN l.\(PostgresConnection.quotedIdentifier($0)) IS DISTINCT FROM r.\(PostgresConnection.quotedIdentifier($0)) THEN '\($0)' END" }
            .joined(separator: ", ") + "]::text[]"
        let rowL = "ROW(" + columns.map { "l.\(PostgresConnection.quotedIdentifier($0))" }.joined(separator: ", ") + ")"
        let rowR = "ROW(" + columns.map { "r.\(PostgresConnection.quotedIdentifier($0))" }.joined(separator: ", ") + ")"
        let sets = """
            WITH left_out AS (\(leftOut)),
                 l AS (SELECT \(list) FROM \(live).\(table.name) t WHERE \(notLeftOut)\(own)),
                 r AS (SELECT \(list) FROM \(DossierTables.rebuildSchema).\(table.name) t WHERE \(notLeftOut)),
                 d AS (SELECT CASE WHEN l.\(k0) IS NULL THEN 'missing' WHEN r.\(k0) IS NULL THEN 'extra' ELSE 'different' END AS kind,
                              \(keyText) AS key,
                              array_to_string(array_remove(\(changed), NULL), ',') AS columns
                       FROM l FULL JOIN r ON \(keyJoin)
                       WHERE l.\(k0) IS NULL OR r.\(k0) IS NULL OR \(rowL) IS DISTINCT FROM \(rowR))
            """
        let counts = try c.query(sets + """
             SELECT (SELECT count(*) FROM l) AS live_rows, (SELECT count(*) FROM r) AS rebuilt_rows,
                    (SELECT count(*) FROM d WHERE kind = 'missing') AS missing, (SELECT count(*) FROM d WHERE kind = 'extra') AS extra,
                    (SELECT count(*) FROM d WHERE kind = 'different') AS different
            """)[0]
        var result = DossierComparisonReport.Table(
            name: table.name, liveRows: try counts.int("live_rows"), rebuiltRows: try counts.int("rebuilt_rows"),
            missing: try counts.int("missing"), extra: try counts.int("extra"), different: try counts.int("different"))
        if result.differences > 0 {
            result.samples = try c.query(sets + """
                 SELECT kind, key, columns FROM (
                     SELECT d.*, row_number() OVER (PARTITION BY kind ORDER BY key) AS n FROM d) s
                 WHERE n <= $1 ORDER BY kind, key
                """, [samplesPerKind]).map {
                DossierComparisonReport.Sample(kind: try $0.string("kind"), key: try $0.string("key"),
                                               columns: try $0.string("kind") == "different" ? try $0.string("columns") : "")
            }
        }
        return result
    }

}
