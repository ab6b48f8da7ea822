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
        /// Open tasks of other offices escalated to this one (the canton), overdue by their rule.
        let escalated: Int

        init(kind: String, open: Int, due: Int, overdue: Int, escalated: Int = 0) {
            self.kind = kind; self.open = open; self.due = due; self.overdue = overdue; self.escalated = escalated
        }
    }

    /// The open tasks assigned to `org` itself (a municipality's delegates have mailboxes of
    /// their own), and those of other offices escalated to it. A new kind of count is one more
    /// FILTER column here.
    static func openCounts(assignee org: String, today: CalendarDate, dueWithinDays: Int, on c: PostgresConnection) throws -> [KindCount] {
        try c.query("""
            SELECT kind, count(*) FILTER (WHERE assignee_org = $1)::integer AS open,
                   count(*) FILTER (WHERE assignee_org = $1 AND due_on >= $2 AND due_on <= $3)::integer AS due,
                   count(*) FILTER (WHERE assignee_org = $1 AND due_on < $2)::integer AS overdue,
                   count(*) FILTER (WHERE escalated_to = $1 AND assignee_org <> $1)::integer AS escalated
            FROM tasks WHERE status = 'open' AND (assignee_org = $1 OR escalated_to = $1) GROUP BY kind ORDER BY kind
            """, [org, today, today.adding(days: dueWithinDays) ?? today]).map { r in
            KindCount(kind: try r.string("kind"), open: try r.int("open"), due: try r.int("due"), overdue: try r.int("overdue"),
                      escalated: try r.int("escalated"))
        }
    }
}
