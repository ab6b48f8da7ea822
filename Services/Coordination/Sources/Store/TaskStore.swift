import Foundation
import IASContracts
import IASMessaging
import IASPostgres
import IASRuntime
import IASServiceKit

/// A task as stored and as returned by `GET /tasks`.
struct TaskRecord: Codable, Sendable, RowDecodable {
    let taskId: Identifier
    let caseId: Identifier
    let kind: TaskKind
    let assigneeOrg: String
    let subjectRef: String
    let status: String
    let dueOn: CalendarDate?
    let openedAt: Date
    let completedAt: Date?
    let outcome: String?
    let notes: String?
    let completedByOrg: String?
    /// Set when the task stayed overdue past its rule's grace (`TaskEscalation`).
    var escalatedAt: Date? = nil
    var escalatedTo: String? = nil

    static let columns = """
        task_id, case_id, kind, assignee_org, subject_ref, status, due_on, opened_at, completed_at, outcome, notes, completed_by_org,
        escalated_at, escalated_to
        """

    init(taskId: Identifier, caseId: Identifier, kind: TaskKind, assigneeOrg: String, subjectRef: String, status: String,
         dueOn: CalendarDate?, openedAt: Date, completedAt: Date?, outcome: String?, notes: String?, completedByOrg: String?,
         escalatedAt: Date? = nil, escalatedTo: String? = nil) {
        self.taskId = taskId; self.caseId = caseId; self.kind = kind; self.assigneeOrg = assigneeOrg; self.subjectRef = subjectRef
        self.status = status; self.dueOn = dueOn; self.openedAt = openedAt; self.completedAt = completedAt; self.outcome = outcome
        self.notes = notes; self.completedByOrg = completedByOrg; self.escalatedAt = escalatedAt; self.escalatedTo = escalatedTo
    }
}

/// SQL for tasks; opening and completing always publish TaskOpened / TaskCompleted in the
/// same transaction.
enum TaskStore {
    /// Opens a task unless one for the same cause is still open (redelivery, a repeated
    /// deviation) or, with `once`, was ever opened (a scheduled prompt that was done must not
    /// come back at the next run). Returns the new task id, nil when none was opened.
    @discardableResult
    static func open(caseId: Identifier, kind: TaskKind, assignee: String, subjectRef: String, dueOn: CalendarDate? = nil,
                     once: Bool = false, cause: Cause, on c: PostgresConnection) throws -> Identifier? {
        let taskId = Identifier()
        let inserted = try c.execute("""
            INSERT INTO tasks (task_id, case_id, kind, assignee_org, subject_ref, due_on)
            SELECT $1, $2, $3, $4, $5, $6
            WHERE NOT ($7::boolean AND EXISTS (SELECT 1 FROM tasks p WHERE p.case_id = $2 AND p.kind = $3 AND p.subject_ref = $5))
            ON CONFLICT (case_id, kind, subject_ref) WHERE status = 'open' DO NOTHING
            """, [taskId, caseId, kind.rawValue, assignee, subjectRef, dueOn, once])
        guard inserted == 1 else { return nil }
        var event = TaskOpened(caseId: caseId, taskId: taskId, kind: kind, assigneeOrg: assignee, dueOn: dueOn)
        event.subjectRef = subjectRef
        try Emitter.coordination(cause, on: c).emit(event, caseId: caseId)
        return taskId
    }

    /// Completes the open task of a cause by itself (the cost decision arrived, the referral left).
    static func completeOpen(caseId: Identifier, kind: TaskKind, subjectRef: String, outcome: String,
                             cause: Cause, on c: PostgresConnection) throws {
        let rows = try c.query("""
            UPDATE tasks SET status = 'done', completed_at = now(), outcome = $4, completed_by_org = $5, completed_by_sub = $6
            WHERE case_id = $1 AND kind = $2 AND subject_ref = $3 AND status = 'open' RETURNING task_id
            """, [caseId, kind.rawValue, subjectRef, outcome, cause.actor.organisation, cause.actor.subject])
        for row in rows {
            try Emitter.coordination(cause, on: c)
                .emit(TaskCompleted(caseId: caseId, taskId: try row.identifier("task_id"), kind: kind, outcome: outcome), caseId: caseId)
        }
    }

    /// Completes every open task of a kind of the case (the step is done, whatever cause opened it).
    static func completeOpen(caseId: Identifier, kind: TaskKind, outcome: String, cause: Cause, on c: PostgresConnection) throws {
        let rows = try c.query("""
            UPDATE tasks SET status = 'done', completed_at = now(), outcome = $3, completed_by_org = $4, completed_by_sub = $5
            WHERE case_id = $1 AND kind = $2 AND status = 'open' RETURNING task_id
            """, [caseId, kind.rawValue, outcome, cause.actor.organisation, cause.actor.subject])
        for row in rows {
            try Emitter.coordination(cause, on: c)
                .emit(TaskCompleted(caseId: caseId, taskId: try row.identifier("task_id"), kind: kind, outcome: outcome), caseId: caseId)
        }
    }

    /// Every open task of a closed case is done: nobody works on it any more.
    static func completeAllOpen(caseId: Identifier, outcome: String, cause: Cause, on c: PostgresConnection) throws {
        let rows = try c.query("""
            UPDATE tasks SET status = 'done', completed_at = now(), outcome = $2, completed_by_org = $3, completed_by_sub = $4
            WHERE case_id = $1 AND status = 'open' RETURNING task_id, kind
            """, [caseId, outcome, cause.actor.organisation, cause.actor.subject])
        for row in rows {
            try Emitter.coordination(cause, on: c)
                .emit(TaskCompleted(caseId: caseId, taskId: try row.identifier("task_id"), kind: try row.enumValue("kind"), outcome: outcome),
                      caseId: caseId)
        }
    }

    /// A handover moves the open follow-up work of the previous organisation to the new one,
    /// so that nothing stays with an office that lost access to the case. A cost decision stays
    /// with the canton, and a decision's notice with the office that requested it.
    static func reassignOpen(caseId: Identifier, from: String, to: String, on c: PostgresConnection) throws {
        try c.execute("""
            UPDATE tasks SET assignee_org = $3 WHERE case_id = $1 AND assignee_org = $2 AND status = 'open'
              AND kind NOT IN ('cost_decision', 'cost_decision_notice')
            """, [caseId, from, to])
    }

    static func find(_ taskId: Identifier, forUpdate: Bool = false, on c: PostgresConnection) throws -> TaskRecord? {
        try c.query("SELECT \(TaskRecord.columns) FROM tasks WHERE task_id = $1" + (forUpdate ? " FOR UPDATE" : ""), [taskId])
            .first.map(TaskRecord.init)
    }

    static func complete(_ task: TaskRecord, outcome: String, notes: String?, cause: Cause, on c: PostgresConnection) throws -> TaskRecord {
        let row = try c.query("""
            UPDATE tasks SET status = 'done', completed_at = now(), outcome = $2, notes = $3, completed_by_org = $4, completed_by_sub = $5
            WHERE task_id = $1 RETURNING \(TaskRecord.columns)
            """, [task.taskId, outcome, notes, cause.actor.organisation, cause.actor.subject])[0]
        try Emitter.coordination(cause, on: c)
            .emit(TaskCompleted(caseId: task.caseId, taskId: task.taskId, kind: task.kind, outcome: outcome), caseId: task.caseId)
        return try TaskRecord(row: row)
    }

    struct Filter {
        /// Which tasks the caller may list at all (`AccessPolicy.taskScope`).
        var scope: AccessPolicy.TaskScope = .none
        var assigneeOrg: String?
        var status: Status?
        var kind: String?
        var caseId: Identifier?
        /// true: only escalated tasks; false: only those not escalated.
        var escalated: Bool?
        var order: Order = .newest
        var after: Identifier?
        var limit: Int
    }

    /// A task's state, as a list asks for it.
    enum Status: String, CaseIterable {
        case open, done
    }

    /// The order of a task list; its keyset cursor follows the same order.
    enum Order: String, CaseIterable {
        /// Newest first: what came in lately.
        case newest
        /// A work queue: the earliest due date first (so overdue tasks lead), tasks without a
        /// date last, then the oldest opened.
        case due
    }

    /// A task of a work list, with the name of the person its case is about: a work list of
    /// case ids alone cannot be worked through.
    struct Listed: Encodable, Sendable {
        let task: TaskRecord
        let person: PersonName?

        enum CodingKeys: String, CodingKey { case person }

        /// The task's members, and `person` beside them in the same object.
        func encode(to encoder: Encoder) throws {
            try task.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encodeIfPresent(person, forKey: .person)
        }
    }

    struct PersonName: Codable, Sendable {
        let givenName: String
        let familyName: String
    }

    /// In the filter's order, keyset-paginated by the last task of the previous page.
    static func list(_ f: Filter, on c: PostgresConnection) throws -> [Listed] {
        let statement = listQuery(f)
        return try c.query(statement.sql, statement.parameters).map { row in
            let given = try row.optionalString("person_given_name"), family = try row.optionalString("person_family_name")
            return Listed(task: try TaskRecord(row: row),
                          person: given.flatMap { g in family.map { PersonName(givenName: g, familyName: $0) } })
        }
    }

    /// A municipality lists the tasks assigned to it or its delegates *of the cases it is
    /// responsible for now*: after a handover the previous municipality no longer lists the
    /// case's tasks, open or done. An office that sees no cases (AWA, BKS) lists its own.
    static func listQuery(_ f: Filter) -> PostgresStatement {
        var municipality: String?, office: String?, nothing = false
        switch f.scope {
        case .every: break
        case .municipality(let bfs): municipality = String(bfs)
        case .office(let org): office = org
        case .none: nothing = true
        }
        // The status is written into the SQL (one of two fixed words, no caller's text), so that
        // the planner can use the partial index tasks_open_queue (migration 0010) for the due
        // order of open tasks: the first page of the canton's tens of thousands without a sort.
        let status = f.status.map { "t.status = '\($0.rawValue)'" } ?? "true"
        func due(_ alias: String) -> String { "COALESCE(\(alias).due_on, 'infinity'::date)" }
        let (keyset, orderBy): (String, String) = switch f.order {
        case .newest:
            ("(t.opened_at, t.task_id) < (SELECT p.opened_at, p.task_id FROM tasks p WHERE p.task_id = $6)",
             "t.opened_at DESC, t.task_id DESC")
        case .due:
            ("(\(due("t")), t.opened_at, t.task_id) > (SELECT \(due("p")), p.opened_at, p.task_id FROM tasks p WHERE p.task_id = $6)",
             "\(due("t")), t.opened_at, t.task_id")
        }
        return PostgresStatement("""
            SELECT \(TaskRecord.columns),
                   (SELECT n.given_name FROM cases n WHERE n.case_id = t.case_id) AS person_given_name,
                   (SELECT n.family_name FROM cases n WHERE n.case_id = t.case_id) AS person_family_name
            FROM tasks t
            WHERE NOT $8::boolean
              AND ($1::text IS NULL OR t.assignee_org = $1)
              AND ($2::text IS NULL OR ((t.assignee_org = 'municipality:' || $2 OR t.assignee_org LIKE 'delegate:%:' || $2)
                   AND EXISTS (SELECT 1 FROM cases c WHERE c.case_id = t.case_id
                               AND (c.responsible_org = 'municipality:' || $2 OR c.responsible_org LIKE 'delegate:%:' || $2))))
              AND ($3::text IS NULL OR t.assignee_org = $3)
              AND \(status)
              AND ($4::text IS NULL OR t.kind = $4)
              AND ($5::uuid IS NULL OR t.case_id = $5)
              AND ($6::uuid IS NULL OR \(keyset))
              AND ($9::boolean IS NULL OR (t.escalated_at IS NOT NULL) = $9)
            ORDER BY \(orderBy) LIMIT $7
            """, [f.assigneeOrg, municipality, office, f.kind, f.caseId, f.after, f.limit, nothing, f.escalated])
    }
}
