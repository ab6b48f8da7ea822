import IASPostgres

/// Replaces the rows of the live dossier tables with the rebuilt ones, in one transaction.
///
/// Rows are copied (DELETE, INSERT … SELECT) rather than tables renamed, so that the live
/// tables keep their names, index names, owner and grants, which later migrations rely on.
/// Coordination's own timeline entries (`DossierTable.ownRows`) stay.
///
/// Safe against the live consumer: the transaction first locks every dossier table
/// (ACCESS EXCLUSIVE, the timeline first as every event transaction does, so neither waits
/// for the other crosswise), then requires that the live consumer has applied exactly the
/// events the rebuild applied (inbox of `dossier` = the rebuild's inbox). An event
/// transaction still under way then applies after the swap, on tables that are at exactly
/// the point it expects. If the live consumer has gone further, the swap is refused: stop
/// coordination first, so that its offsets (which the rebuild reads to) stop moving.
enum DossierSwap {
    struct Refused: Error, CustomStringConvertible {
        let liveAhead: Int
        let rebuildAhead: Int
        var description: String {
            var text = "swap refused, nothing changed: "
            if liveAhead > 0 {
                text += "the live consumer applied \(liveAhead) events the rebuild did not read (it is still running, or it stopped "
                    + "without committing its offsets). Stop every coordination instance with SIGTERM (it commits on the way out; "
                    + "after a crash start it once and stop it again), then run rebuild-dossier --swap again."
            }
            if rebuildAhead > 0 {
                text += (liveAhead > 0 ? " Also: " : "") + "the rebuild applied \(rebuildAhead) events the live consumer has not "
                    + "recorded in its inbox (an inbox row was removed, or the live consumer dead-lettered what the rebuild applied); "
                    + "look at the differences before swapping."
            }
            return text
        }
    }

    /// Returns the number of rows written per table.
    static func run(live: String, on pool: PostgresPool) throws -> [(table: String, rows: Int)] {
        let rebuild = DossierTables.rebuildSchema
        return try pool.transaction { c in
            let names = DossierTables.all.map { "\(live).\($0.name)" }.joined(separator: ", ")
            try c.execute("LOCK TABLE \(names) IN ACCESS EXCLUSIVE MODE")
            let liveAhead = try c.query("SELECT count(*) AS n FROM (\(DossierComparison.eventsAfterEndSQL(live: live))) e")[0].int("n")
            let rebuildAhead = try c.query("""
                SELECT count(*) AS n FROM \(rebuild).inbox r
                WHERE NOT EXISTS (SELECT 1 FROM \(live).inbox i WHERE i.consumer = r.consumer AND i.event_id = r.event_id)
                """)[0].int("n")
            guard liveAhead == 0 && rebuildAhead == 0 else { throw Refused(liveAhead: liveAhead, rebuildAhead: rebuildAhead) }
            var written: [(String, Int)] = []
            for table in DossierTables.all {
                let columns = try c.query("""
                    SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position
                    """, [live, table.name]).map { PostgresConnection.quotedIdentifier(try $0.string("column_name")) }.joined(separator: ", ")
                try c.execute("DELETE FROM \(live).\(table.name)" + (table.ownRows.map { " WHERE NOT (\($0))" } ?? ""))
                let rows = try c.execute("INSERT INTO \(live).\(table.name) (\(columns)) SELECT \(columns) FROM \(rebuild).\(table.name)")
                written.append((table.name, rows))
            }
            return written
        }
    }
}
