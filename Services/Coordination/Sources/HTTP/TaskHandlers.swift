import Foundation
import IASContracts
import IASHTTP
import IASRuntime
import IASServiceKit

/// `GET /tasks`, `POST /tasks/{taskId}/completion`.
extension CoordinationApp {
    func listTasks(_ context: RequestContext) throws -> HTTPResponse {
        let request = context.request
        let page = try Pagination(request)
        var query = QueryParameters(request)
        var filter = TaskStore.Filter(limit: page.fetchLimit)
        filter.after = page.after
        filter.status = query.choice("status", TaskStore.Status.self, message: "must be open or done")
        filter.kind = query.choice("kind", TaskKind.self)?.rawValue
        filter.escalated = query.bool("escalated")
        if let order = query.choice("order", TaskStore.Order.self) { filter.order = order }
        filter.assigneeOrg = query.value("org", "is not an organisation, e.g. municipality:4001") { Organisation($0) != nil ? $0 : nil }
        try query.throwIfInvalid()
        filter.scope = AccessPolicy.taskScope(context.organisation)
        if filter.scope == .none { throw Problem.forbidden("partners have no tasks here") }
        if let requested = filter.assigneeOrg.flatMap(Organisation.init), !filter.scope.includes(assignee: requested) {
            throw Problem.forbidden("your organisation may list only its own tasks")
        }
        context.recordFilter(["org": filter.assigneeOrg, "status": filter.status?.rawValue, "kind": filter.kind, "escalated": query["escalated"],
                              "order": query["order"], "cursor": page.after?.description, "limit": String(page.limit)])
        let listed = page.page(try host.read { try TaskStore.list(filter, on: $0) }) { $0.task.taskId }
        context.disclose(listed.items.map { DisclosedRecord(caseId: $0.task.caseId, personId: nil) })
        return .json(listed)
    }

    func completeTask(_ context: RequestContext) throws -> HTTPResponse {
        let taskId = try context.pathId("taskId", "task")
        let body = try context.request.decode(CompleteTaskRequest.self)
        try Problem.throwIfInvalid(body.validate())
        let cause = context.cause
        return try host.write(context) { c in
            guard let task = try TaskStore.find(taskId, forUpdate: true, on: c) else { throw Refusal.notFound("no task with this id") }
            context.disclose(caseId: task.caseId)
            let responsible = try CaseSnapshot.responsibleOrg(task.caseId, on: c)
            guard AccessPolicy.mayWorkOnTask(context.organisation, assigneeOrg: task.assigneeOrg, responsibleOrg: responsible) else {
                throw Refusal.forbidden("this task is assigned to another organisation, or its case is no longer with yours")
            }
            guard task.status == "open" else { throw Refusal.conflict("this task is already done") }
            let done = try TaskStore.complete(task, outcome: body.outcome, notes: body.notes, cause: cause, on: c)
            return .json(done)
        }
    }

    /// `GET /tasks/overdue-summary`: for the canton, per municipality how many open tasks are
    /// overdue and how many of them were escalated, by kind. Counts only: no case is named.
    func overdueSummary(_ context: RequestContext) throws -> HTTPResponse {
        guard AccessPolicy.caseScope(context.organisation) == .every else {
            throw Problem.forbidden("only the canton sees the overdue tasks of every municipality")
        }
        let today = CalendarDate.today()
        let rows = try host.read { try OverdueSummary.counts(today: today, on: $0) }
        return .json(OverdueSummary(asOf: today, rows: rows))
    }

}
