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
        var errors: [FieldError] = []
        var filter = TaskStore.Filter(limit: page.limit + 1)
        filter.after = page.after
        if let status = request.query["status"] {
            if ["open", "done"].contains(status) { filter.status = status } else {
                errors.append(FieldError(field: "status", message: "must be open or done"))
            }
        }
        if let kind = request.query["kind"] {
            if TaskKind(rawValue: kind) != nil { filter.kind = kind } else {
                errors.append(FieldError(field: "kind", message: "must be one of \(TaskKind.allCases.map(\.rawValue).joined(separator: ", "))"))
            }
        }
        var requestedOrg: Organisation?
        if let org = request.query["org"] {
            if let parsed = Organisation(org) { requestedOrg = parsed; filter.assigneeOrg = org } else {
                errors.append(FieldError(field: "org", message: "is not an organisation, e.g. municipality:4001"))
            }
        }
        if !errors.isEmpty { throw Problem.validation(errors) }
        let own = context.organisation
        if !AccessPolicy.seesEveryCase(own) {
            if let municipality = AccessPolicy.actingMunicipality(own) {
                // A municipality sees its own tasks and those of its delegates (and a delegate the same).
                if let requestedOrg, AccessPolicy.actingMunicipality(requestedOrg) != municipality {
                    throw Problem.forbidden("your organisation may list only its own tasks")
                }
                filter.municipality = municipality
            } else if own.isCanton {
                if let requestedOrg, requestedOrg != own { throw Problem.forbidden("your organisation may list only its own tasks") }
                filter.exactOrg = own.description
            } else {
                throw Problem.forbidden("partners have no tasks here")
            }
        }
        let rows = try host.read { try TaskStore.list(filter, on: $0) }
        return .json(Page(items: Array(rows.prefix(page.limit)),
                          nextCursor: rows.count > page.limit ? rows[page.limit - 1].taskId.description : nil))
    }

    func completeTask(_ context: RequestContext) throws -> HTTPResponse {
        guard let taskId = Identifier(try context.request.parameter("taskId")) else { throw Problem.notFound("no task with this id") }
        let body = try context.request.decode(CompleteTaskRequest.self)
        let errors = body.validate()
        guard errors.isEmpty else { throw Problem.validation(errors) }
        let cause = cause(context)
        return try host.idempotentWrite(context) { c in
            guard let task = try TaskStore.find(taskId, forUpdate: true, on: c) else { throw Problem.notFound("no task with this id") }
            guard Self.mayWork(on: task, context.organisation) else {
                throw Problem.forbidden("this task is assigned to another organisation")
            }
            guard task.status == "open" else { throw Problem.conflict("this task is already done") }
            let done = try TaskStore.complete(task, outcome: body.outcome, notes: body.notes, cause: cause, on: c)
            return .json(done)
        }
    }

    /// The canton's case managers may complete any task; others those assigned to their
    /// municipality (or its delegates), or to their own office.
    static func mayWork(on task: TaskRecord, _ org: Organisation) -> Bool {
        if AccessPolicy.seesEveryCase(org) { return true }
        if task.assigneeOrg == org.description { return true }
        guard let own = AccessPolicy.actingMunicipality(org), let assignee = Organisation(task.assigneeOrg) else { return false }
        return AccessPolicy.actingMunicipality(assignee) == own
    }
}
