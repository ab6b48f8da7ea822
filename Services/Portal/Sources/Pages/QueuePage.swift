import Foundation
import IASHTTP
import IASRuntime

/// The work queue: my organisation's open tasks, overdue first, with counts by kind; for the
/// canton's KSD and DVI also the overdue tasks per municipality and the escalated ones.
enum QueuePage {
    /// The queue shows up to this many open tasks; more are reached through the service's cursor.
    static let pageSize = 200

    static func register(on portal: Portal) {
        portal.page("GET", "/queue") { context in
            let t = context.translator
            // Overdue first (the earliest due date first), then those without a date: the service
            // orders the whole queue, so that an overdue task is never behind the first page.
            var path = "/tasks?status=open&order=due&limit=\(pageSize)"
            if let cursor = context.request.query["cursor"], cursor.count < 200 { path += "&cursor=" + URLEncodedForm.escape(cursor) }
            let listed = try context.get(.coordination, path, awaitEvent: context.awaitedEvent)
            let today = CalendarDate.today().description
            let tasks: [JSONValue] = listed["items"]?.arrayValue ?? []
            let next = listed["nextCursor"]?.stringValue
            // A queue names few organisations many times: each label is made once per page.
            var labels: [String: String] = [:]
            func label(_ org: String) -> String {
                if let known = labels[org] { return known }
                let made = Organisations.label(org, context)
                labels[org] = made
                return made
            }
            let overdue = tasks.filter { ($0["dueOn"]?.stringValue).map { $0 < today } ?? false }.count
            var byKind: [String: Int] = [:]
            for task in tasks { byKind[task["kind"]?.stringValue ?? "", default: 0] += 1 }
            var counts: [HTML] = ["<li><strong>\(tasks.count)\(next == nil ? "" : "+")</strong>\(t("queue.open"))</li>",
                                  "<li class=\"\(overdue > 0 ? "overdue" : "")\"><strong>\(overdue)</strong>\(t("queue.overdue"))</li>"]
            for kind in byKind.keys.sorted() {
                counts.append("<li><strong>\(byKind[kind] ?? 0)</strong>\(context.code("task", kind))</li>")
            }
            let rows: [HTML] = tasks.map { task in
                let due = task["dueOn"]?.stringValue
                let isOverdue = due.map { $0 < today } ?? false
                let escalated = (task["escalatedAt"]?.stringValue).map { _ in " (" + t("queue.escalated.one") + ")" } ?? ""
                let caseId = task["caseId"]?.stringValue ?? ""
                let person = task["person"]
                let name = [person?["familyName"]?.stringValue, person?["givenName"]?.stringValue].compactMap { $0 }.joined(separator: ", ")
                let taskId = task["taskId"]?.stringValue ?? ""
                return """
                    <tr>
                    <td>\(context.code("task", task["kind"]?.stringValue))</td>
                    <td><a href="/cases/\(caseId)">\(name.isEmpty ? t("queue.case") + " " + String(caseId.prefix(8)) : name)</a></td>
                    <td>\(label(task["assigneeOrg"]?.stringValue ?? ""))</td>
                    <td class="\(isOverdue ? "overdue" : "")">\(due.map(SwissFormat.date) ?? "–")\(isOverdue ? " (" + t("queue.overdue.one") + ")" : "")\(escalated)</td>
                    <td><a href="/tasks/\(taskId)/complete?case=\(caseId)">\(t("queue.complete"))</a></td>
                    </tr>
                    """
            }
            let table: HTML = tasks.isEmpty
                ? "<p>\(t("queue.empty"))</p>"
                : """
                  <table id="queue">
                  <caption>\(t("queue.caption"))</caption>
                  <thead><tr><th scope="col">\(t("queue.kind"))</th><th scope="col">\(t("queue.person"))</th><th scope="col">\(t("queue.assignee"))</th><th scope="col">\(t("queue.due"))</th><th scope="col"><span class="muted">\(t("queue.action"))</span></th></tr></thead>
                  <tbody>\(rows)</tbody>
                  </table>
                  """
            var more: HTML = .empty, countedPart: HTML = .empty
            if let next {
                more = "<p><a href=\"/queue?cursor=\(URLEncodedForm.escape(next))\">\(t("queue.more"))</a></p>"
                countedPart = "<p class=\"muted\">\(t("queue.countedPart", ["n": String(tasks.count)]))</p>"
            }
            let escalatedCount = tasks.filter { $0["escalatedAt"]?.stringValue != nil }.count
            if escalatedCount > 0 {
                counts.insert("<li class=\"overdue\"><strong>\(escalatedCount)</strong>\(t("queue.escalated"))</li>", at: 2)
            }
            return context.page(t("queue.title"), """
                <ul class="counts" aria-label="\(t("queue.counts"))">\(counts)</ul>
                \(countedPart)
                \(table)
                \(more)
                \(try overdueByMunicipality(context))
                """)
        }
    }
}

extension QueuePage {
    /// The canton's KSD and DVI see every municipality's overdue work (counts, no cases).
    static func overdueByMunicipality(_ context: PageContext) throws -> HTML {
        guard ["canton:KSD", "canton:DVI"].contains(context.caller.organisation) else { return .empty }
        let t = context.translator
        let summary = try context.get(.coordination, "/tasks/overdue-summary")
        let entries = summary["entries"]?.arrayValue ?? []
        guard !entries.isEmpty else { return "<h2>\(t("queue.municipalities"))</h2><p>\(t("queue.municipalities.none"))</p>" }
        let rows: [HTML] = entries.map { entry in
            let who = entry["municipality"]?.intValue.map { Organisations.label("municipality:\($0)", context) }
                ?? Organisations.label(entry["organisation"]?.stringValue ?? "", context)
            return "<tr><th scope=\"row\">\(who)</th><td>\(entry["overdue"]?.intValue ?? 0)</td><td>\(entry["escalated"]?.intValue ?? 0)</td></tr>"
        }
        return """
            <table id="overdue-by-municipality">
            <caption>\(t("queue.municipalities"))</caption>
            <thead><tr><th scope="col">\(t("queue.assignee"))</th><th scope="col">\(t("queue.overdue"))</th><th scope="col">\(t("queue.escalated"))</th></tr></thead>
            <tbody>\(rows)</tbody>
            </table>
            """
    }
}

extension JSONValue {
    var arrayValue: [JSONValue]? {
        if case .array(let items) = self { return items }
        return nil
    }

    var intValue: Int? {
        if case .number(let n) = self, let integer = JSONValue.integer(n) { return Int(integer) }
        return nil
    }
}
