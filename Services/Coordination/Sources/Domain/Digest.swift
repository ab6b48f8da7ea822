import IASHTTPClient
import IASRuntime

/// The daily digest of one organisation's open tasks: counts by kind and a link to the work
/// queue, never a name, a birth date, a case or a task id (the mail leaves the suite's
/// protection; the portal shows the rest to whoever signs in).
enum Digest {
    /// "Due" means due today or within this many days.
    static let dueWithinDays = 7

    static func message(org: String, day: CalendarDate, counts: [TaskStore.KindCount], portalURL: String, from: String,
                        to address: String, messageId: String) -> MailMessage {
        let open = counts.reduce(0) { $0 + $1.open }, due = counts.reduce(0) { $0 + $1.due }
        let overdue = counts.reduce(0) { $0 + $1.overdue }, escalated = counts.reduce(0) { $0 + $1.escalated }
        var lines = [
            "Open tasks of \(org) on \(day): \(open)",
            "Overdue: \(overdue)    due within \(dueWithinDays) days: \(due)",
        ]
        // Only an office that escalations reach (the canton) gets the column.
        if escalated > 0 { lines.append("Overdue tasks of other offices escalated to \(org): \(escalated)") }
        lines.append("")
        if counts.isEmpty {
            lines.append("No open tasks.")
        } else {
            lines.append(pad("task kind", 28) + pad("open", 6, right: true) + pad("due", 6, right: true) + pad("overdue", 9, right: true)
                         + (escalated > 0 ? pad("escalated", 11, right: true) : ""))
            for c in counts {
                lines.append(pad(c.kind, 28) + pad(String(c.open), 6, right: true) + pad(String(c.due), 6, right: true)
                             + pad(String(c.overdue), 9, right: true) + (escalated > 0 ? pad(String(c.escalated), 11, right: true) : ""))
            }
        }
        lines += ["", "Work queue: \(queueLink(portalURL))", "",
                  "This mail holds counts only; the cases are in the portal after signing in.",
                  "Sent once a day by IAS coordination to the mailbox of \(org)."]
        return MailMessage(from: from, to: [address],
                           subject: "IAS \(day): \(overdue) overdue, \(due) due, \(open) open tasks"
                               + (escalated > 0 ? ", \(escalated) escalated" : ""),
                           body: lines.joined(separator: "\n"), messageId: messageId)
    }

    static func queueLink(_ portalURL: String) -> String {
        (portalURL.hasSuffix("/") ? String(portalURL.dropLast()) : portalURL) + "/queue"
    }

    private static func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
        let fill = String(repeating: " ", count: max(0, width - text.count))
        return right ? fill + text : text + fill
    }
}
