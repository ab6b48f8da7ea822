import IASPostgres
import IASRuntime

/// The anonymous remainder of erased cases for the indicators (`indicator_contributions`,
/// `erased_cohort_members`): counts per cohort, indicator and (rarely) maturity date, summed
/// into shared rows, so that no row stands for one person.
enum IndicatorContributions {
    /// Adds an erased member of cohort `entryYear` with its contributions.
    static func add(_ contributions: [Indicators.Contribution], entryYear: Int, on c: PostgresConnection) throws {
        try c.execute("""
            INSERT INTO erased_cohort_members (entry_year, members) VALUES ($1, 1)
            ON CONFLICT (entry_year) DO UPDATE SET members = erased_cohort_members.members + 1
            """, [entryYear])
        for contribution in contributions {
            let parameters: [any PostgresBindable] = [entryYear, contribution.indicatorId, contribution.maturesOn, contribution.counted,
                                                      contribution.reached]
            // Two instances adding the first row of a key at once may both insert: the rows are summed when read.
            if try c.execute("""
                UPDATE indicator_contributions SET counted = counted + $4, reached = reached + $5
                WHERE entry_year = $1 AND indicator_id = $2 AND matures_on IS NOT DISTINCT FROM $3
                """, parameters) == 0 {
                try c.execute("""
                    INSERT INTO indicator_contributions (entry_year, indicator_id, matures_on, counted, reached) VALUES ($1, $2, $3, $4, $5)
                    """, parameters)
            }
        }
    }

    /// The contributions of cohort `entryYear` and its erased members.
    static func cohort(entryYear: Int, on c: PostgresConnection) throws -> (contributions: [Indicators.Contribution], members: Int) {
        let contributions = try c.query("""
            SELECT indicator_id, matures_on, sum(counted)::integer AS counted, sum(reached)::integer AS reached
            FROM indicator_contributions WHERE entry_year = $1 GROUP BY indicator_id, matures_on
            """, [entryYear]).map { r in
            Indicators.Contribution(indicatorId: try r.int("indicator_id"), maturesOn: try r.optionalCalendarDate("matures_on"),
                                    counted: try r.int("counted"), reached: try r.int("reached"))
        }
        let members = try c.query("SELECT members FROM erased_cohort_members WHERE entry_year = $1", [entryYear]).first
        return (contributions, try members?.int("members") ?? 0)
    }
}
