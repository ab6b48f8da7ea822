import IASContracts
import IASPostgres
import IASRuntime

/// Loads what the federal report of one year counts (FederalReport; INDICATORS.md defines
/// each figure): cost approvals on the lump sum decided in the year, and the persons in the
/// kinds of support SEM asks about.
enum FederalReportFacts {
    /// The catalogue's potential assessment is filed under education but is no support.
    static let notSupport = "POTENTIAL_ASSESSMENT"

    static func lumpSum(year: Int, on c: PostgresConnection) throws -> (rows: [FederalReport.Inputs.LumpSumRow], persons: Int) {
        let (from, to) = bounds(year)
        let granted = """
            FROM approvals a LEFT JOIN measures m ON m.measure_id = a.measure_id
            WHERE a.funding_source = 'lump_sum' AND a.decision IN ('granted', 'partially_granted')
              AND a.decided_on >= $1 AND a.decided_on < $2
            """
        let rows = try c.query("""
            SELECT COALESCE(m.field_of_action, 'unknown') AS field_of_action, COALESCE(m.catalog_code, 'unknown') AS measure_kind,
                   count(DISTINCT a.case_id)::integer AS persons, sum(a.granted_rappen)::bigint AS committed,
                   sum(a.charged_rappen)::bigint AS spent
            \(granted) GROUP BY 1, 2 ORDER BY 1, 2
            """, [from, to]).map { r in
            FederalReport.Inputs.LumpSumRow(fieldOfAction: try r.string("field_of_action"), measureKind: try r.string("measure_kind"),
                                            persons: try r.int("persons"), committedRappen: try r.int("committed"),
                                            spentRappen: try r.int("spent"))
        }
        let persons = try c.query("SELECT count(DISTINCT a.case_id)::integer AS persons \(granted)", [from, to])[0].int("persons")
        return (rows, persons)
    }

    /// Persons per SEM count (`FederalReport.Count.names`).
    static func counts(year: Int, on c: PostgresConnection) throws -> [String: Int] {
        let (from, to) = bounds(year)
        let firstInformation = try c.query("""
            SELECT count(*)::integer AS persons FROM (SELECT min(held_on) AS first FROM assessments WHERE kind = 'short' GROUP BY case_id) f
            WHERE f.first >= $1 AND f.first < $2
            """, [from, to])[0].int("persons")
        // A measure supports in the year when it started before the year's end and was neither
        // completed nor broken off before the year began.
        // The fields of action are this file's own literals, never input.
        func running(_ fields: StaticString) throws -> Int {
            try c.query("""
                SELECT count(DISTINCT case_id)::integer AS persons FROM measures
                WHERE field_of_action IN (\(fields)) AND catalog_code <> $3
                  AND started_on < $2 AND (completed_on IS NULL OR completed_on >= $1)
                  AND NOT (status IN ('interrupted', 'dropped') AND status_on < $1)
                """, [from, to, notSupport])[0].int("persons")
        }
        return ["first_information": firstInformation, "language_support": try running("'language'"),
                "training_or_work_support": try running("'education', 'work'"), "early_language_support_children": try running("'early_childhood'")]
    }

    /// The first day of `year` and of the year after.
    static func bounds(_ year: Int) -> (CalendarDate, CalendarDate) {
        (CalendarDate(year: year, month: 1, day: 1)!, CalendarDate(year: year + 1, month: 1, day: 1)!)
    }
}
