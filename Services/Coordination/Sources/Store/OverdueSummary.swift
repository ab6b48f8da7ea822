import Foundation
import IASContracts
import IASPostgres
import IASRuntime

/// What the canton sees of overdue work: per municipality (its delegates counted with it) and
/// per other organisation, the open tasks past their due date and how many were escalated.
struct OverdueSummary: Encodable, Sendable {
    struct Kind: Encodable, Sendable {
        let kind: TaskKind
        let overdue: Int
        let escalated: Int
    }

    struct Entry: Encodable, Sendable {
        /// The BFS number, for a municipality's own tasks and its delegates'.
        let municipality: Int?
        /// Any other assignee (the canton's offices).
        let organisation: String?
        let overdue: Int
        let escalated: Int
        let byKind: [Kind]
    }

    struct Count {
        let assigneeOrg: String
        let kind: TaskKind
        let overdue: Int
        let escalated: Int
    }

    let asOf: CalendarDate
    let entries: [Entry]

    init(asOf: CalendarDate, rows: [Count]) {
        self.asOf = asOf
        var grouped: [String: (municipality: Int?, organisation: String?, kinds: [TaskKind: (Int, Int)])] = [:]
        for row in rows {
            let municipality = Organisation(row.assigneeOrg).flatMap(AccessPolicy.actingMunicipality)
            let key = municipality.map { "municipality:\($0)" } ?? row.assigneeOrg
            var entry = grouped[key] ?? (municipality, municipality == nil ? row.assigneeOrg : nil, [:])
            let before = entry.kinds[row.kind] ?? (0, 0)
            entry.kinds[row.kind] = (before.0 + row.overdue, before.1 + row.escalated)
            grouped[key] = entry
        }
        entries = grouped.sorted { $0.key < $1.key }.map { _, entry in
            let kinds = entry.kinds.sorted { $0.key.rawValue < $1.key.rawValue }
                .map { Kind(kind: $0.key, overdue: $0.value.0, escalated: $0.value.1) }
            return Entry(municipality: entry.municipality, organisation: entry.organisation, overdue: kinds.reduce(0) { $0 + $1.overdue },
                         escalated: kinds.reduce(0) { $0 + $1.escalated }, byKind: kinds)
        }
    }

    static func counts(today: CalendarDate, on c: PostgresConnection) throws -> [Count] {
        try c.query("""
            SELECT assignee_org, kind, count(*) AS overdue, count(escalated_at) AS escalated FROM tasks
            WHERE status = 'open' AND due_on < $1 GROUP BY assignee_org, kind
            """, [today]).map { row in
            Count(assigneeOrg: try row.string("assignee_org"), kind: try row.enumValue("kind"), overdue: try row.int("overdue"),
                  escalated: try row.int("escalated"))
        }
    }
}
