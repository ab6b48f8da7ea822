import IASPostgres
import IASRuntime

/// How many open tasks an organisation has, by kind: what the daily digest tells it.
extension TaskStore {
    struct KindCount: Sendable, Equatable {
        let kind: String
        let open: Int
        /// Due from `today` to `today + dueWithinDays`.
        let due: Int
        /// Due before `today`.
        let overdue: Int
    }

    /// The open tasks assigned to `org` itself (a municipality's delegates have mailboxes of
    /// their own). A new kind of count is one more FILTER column here.
    static func openCounts(assignee org: String, today: CalendarDate, dueWithinDays: Int, on c: PostgresConnection) throws -> [KindCount] {
        try c.query("""
            SELECT kind, count(*)::integer AS open,
                   count(*) FILTER (WHERE due_on >= $2 AND due_on <= $3)::integer AS due,
                   count(*) FILTER (WHERE due_on < $2)::integer AS overdue
            FROM tasks WHERE status = 'open' AND assignee_org = $1 GROUP BY kind ORDER BY kind
            """, [org, today, today.addingDays(dueWithinDays)]).map { r in
            KindCount(kind: try r.string("kind"), open: try r.int("open"), due: try r.int("due"), overdue: try r.int("overdue"))
        }
    }
}
