import Foundation
import IASContracts
import IASMessaging
import IASPostgres
import IASRuntime
import IASServiceKit

/// The scheduled job "task-prompts": the prompts that time opens (a review coming due, no
/// language course some months after the agreement, the seven-year limit approaching) and the
/// escalation of overdue tasks to the canton. Safe with several instances: a prompt is opened
/// at most once per cause (`TaskStore.open(once:)` and the one-open-task index), and a task
/// is escalated by the one UPDATE that finds it not yet escalated.
extension CoordinationApp {
    static let taskPromptsActor = Actor(subject: "task-prompts", organisation: "system")

    func runTaskPrompts(today: CalendarDate = .today()) throws {
        let rules = tasks.rules
        try openReviewsDue(rules[.reviewDue], today: today)
        try openLanguageCoursesMissing(rules[.languageCourseMissing], today: today)
        try openSevenYearLimits(rules[.sevenYearLimit], today: today)
        let escalated = try escalateOverdue(rules, today: today)
        if escalated > 0 { host.logger.info("overdue tasks escalated to the canton", ["count": String(escalated)]) }
    }

    private struct Candidate {
        let caseId: Identifier
        let responsibleOrg: String
        let subjectRef: String
        let dueOn: CalendarDate
    }

    /// Opens each candidate's task in its own transaction with its TaskOpened.
    private func open(_ kind: TaskKind, _ candidates: [Candidate]) throws {
        let cause = Cause.own(Self.taskPromptsActor)
        for candidate in candidates {
            try host.write { c in
                try TaskStore.open(caseId: candidate.caseId, kind: kind, assignee: candidate.responsibleOrg, subjectRef: candidate.subjectRef,
                                   dueOn: candidate.dueOn, once: true, cause: cause, on: c)
            }
        }
    }

    /// A review due within `openBefore`: the plan's cadence (its next review date) names it. A
    /// review the plan service already flagged as overdue has its task (`overdue_review`).
    private func openReviewsDue(_ rule: TaskRules.Rule, today: CalendarDate) throws {
        let horizon = today.adding(rule.openBefore ?? RetentionPeriod("P0D")!)
        let rows = try host.read { c in
            try c.query("""
                SELECT p.case_id, p.plan_id, p.next_review_due, c.responsible_org FROM plans p JOIN cases c ON c.case_id = p.case_id
                WHERE c.closed_on IS NULL AND p.next_review_due IS NOT NULL AND p.next_review_due <= $1
                  AND NOT EXISTS (SELECT 1 FROM tasks t WHERE t.case_id = p.case_id AND t.kind = 'review_due'
                                  AND t.subject_ref = p.plan_id::text || '@' || p.next_review_due::text)
                  AND NOT EXISTS (SELECT 1 FROM tasks o WHERE o.case_id = p.case_id AND o.kind = 'overdue_review' AND o.status = 'open')
                """, [horizon])
        }
        try open(.reviewDue, try rows.map { row in
            let due = try row.calendarDate("next_review_due")
            return Candidate(caseId: try row.identifier("case_id"), responsibleOrg: try row.string("responsible_org"),
                             subjectRef: "\(try row.identifier("plan_id"))@\(due)", dueOn: rule.dueOn(from: due) ?? due)
        })
    }

    /// No language course enrolled, started or completed some time after the agreement.
    private func openLanguageCoursesMissing(_ rule: TaskRules.Rule, today: CalendarDate) throws {
        let rows = try host.read { c in
            try c.query("""
                SELECT p.case_id, p.plan_id, p.agreement_signed_on, c.responsible_org FROM plans p JOIN cases c ON c.case_id = p.case_id
                WHERE c.closed_on IS NULL AND p.agreement_signed_on IS NOT NULL AND p.agreement_signed_on <= $1
                  AND NOT EXISTS (SELECT 1 FROM measures m WHERE m.case_id = p.case_id AND m.field_of_action = 'language'
                                  AND m.status IN ('enrolled', 'started', 'completed'))
                  AND NOT EXISTS (SELECT 1 FROM tasks t WHERE t.case_id = p.case_id AND t.kind = 'language_course_missing'
                                  AND t.subject_ref = p.plan_id::text)
                """, [today])
        }
        let candidates: [Candidate] = try rows.compactMap { row in
            let signed = try row.calendarDate("agreement_signed_on")
            guard let due = rule.dueOn(from: signed), rule.opensOn(dueOn: due) <= today else { return nil }
            return Candidate(caseId: try row.identifier("case_id"), responsibleOrg: try row.string("responsible_org"),
                             subjectRef: try row.identifier("plan_id").description, dueOn: due)
        }
        try open(.languageCourseMissing, candidates)
    }

    /// The integration support ends seven years after entry (intake closes the case then).
    private func openSevenYearLimits(_ rule: TaskRules.Rule, today: CalendarDate) throws {
        guard let due = rule.due else { return }
        // Entered on or before this day: the limit is within openBefore (checked exactly below).
        let shifted = today.adding(rule.openBefore ?? RetentionPeriod("P0D")!).adding(due, sign: -1)
        let enteredBy = shifted.adding(days: 1) ?? shifted
        let rows = try host.read { c in
            try c.query("""
                SELECT c.case_id, c.entered_canton_on, c.responsible_org FROM cases c
                WHERE c.closed_on IS NULL AND c.entered_canton_on <= $1
                  AND NOT EXISTS (SELECT 1 FROM tasks t WHERE t.case_id = c.case_id AND t.kind = 'seven_year_limit')
                """, [enteredBy])
        }
        let candidates: [Candidate] = try rows.compactMap { row in
            let entered = try row.calendarDate("entered_canton_on")
            guard let limit = rule.dueOn(from: entered), rule.opensOn(dueOn: limit) <= today else { return nil }
            return Candidate(caseId: try row.identifier("case_id"), responsibleOrg: try row.string("responsible_org"),
                             subjectRef: "entry@\(entered)", dueOn: limit)
        }
        try open(.sevenYearLimit, candidates)
    }

    /// Every open task past its due date by more than its rule's grace is escalated to the
    /// canton, once: recorded on the task and published as TaskEscalated. The canton's own tasks
    /// (a cost decision) are its own to chase: they are not escalated to itself.
    func escalateOverdue(_ rules: TaskRules, today: CalendarDate) throws -> Int {
        let cause = Cause.own(Self.taskPromptsActor)
        var total = 0
        for kind in TaskKind.allCases {
            // Due before this day: more than the grace has passed.
            let dueBefore = today.adding(rules[kind].escalateAfter, sign: -1)
            total += try host.write { c in
                let rows = try c.query("""
                    UPDATE tasks SET escalated_at = now(), escalated_to = $3
                    WHERE task_id IN (SELECT task_id FROM tasks WHERE status = 'open' AND escalated_at IS NULL AND kind = $1 AND due_on < $2
                                        AND assignee_org <> $3
                                      ORDER BY due_on LIMIT 500 FOR UPDATE SKIP LOCKED)
                    RETURNING task_id, case_id, assignee_org, due_on
                    """, [kind.rawValue, dueBefore, TaskRules.canton])
                for row in rows {
                    let caseId = try row.identifier("case_id")
                    try Emitter.coordination(cause, on: c).emit(
                        TaskEscalated(caseId: caseId, taskId: try row.identifier("task_id"), kind: kind,
                                      assigneeOrg: try row.string("assignee_org"), escalatedTo: TaskRules.canton, dueOn: try row.calendarDate("due_on")),
                        caseId: caseId)
                }
                return rows.count
            }
        }
        return total
    }
}
