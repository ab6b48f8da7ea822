import Foundation
import IASHTTPClient
import IASRuntime

/// The daily digest of one organisation's open tasks: counts by kind and a link to the work
/// queue, never a name, a birth date, a case or a task id (the mail leaves the suite's
/// protection; the portal shows the rest to whoever signs in). In the mailbox's language,
/// with the portal's names of the task kinds (`DigestTexts/<language>.json`).
enum Digest {
    /// "Due" means due today or within this many days.
    static let dueWithinDays = 7

    /// The texts of the digest, shipped with coordination.
    static func texts() throws -> TextCatalogue {
        try TextCatalogue.load(from: .module, directory: "DigestTexts", what: "the digest mail")
    }

    static func message(org: String, day: CalendarDate, counts: [TaskStore.KindCount], language: Language, texts: TextCatalogue,
                        portalURL: String, from: String, to address: String, messageId: String) -> MailMessage {
        func t(_ key: String, _ values: [String: String] = [:]) -> String {
            texts.text(key, language, values.merging(["org": org, "day": SwissFormat.date(day.description)]) { own, _ in own })
        }
        let open = counts.reduce(0) { $0 + $1.open }, due = counts.reduce(0) { $0 + $1.due }
        let overdue = counts.reduce(0) { $0 + $1.overdue }, escalated = counts.reduce(0) { $0 + $1.escalated }
        let figures = ["open": String(open), "due": String(due), "overdue": String(overdue), "escalated": String(escalated),
                       "days": String(dueWithinDays)]
        var lines = [t("open", figures), t("overdueAndDue", figures)]
        // Only an office that escalations reach (the canton) gets the column.
        if escalated > 0 { lines.append(t("escalated", figures)) }
        lines.append("")
        if counts.isEmpty {
            lines.append(t("none"))
        } else {
            let names = counts.map { texts.optionalText("task.\($0.kind)", language) ?? $0.kind }
            let columns = ["col.open", "col.due", "col.overdue"] + (escalated > 0 ? ["col.escalated"] : [])
            let kindWidth = (names + [t("col.kind")]).map(\.count).max()! + 2
            let widths = columns.map { max(t($0).count, 5) + 2 }
            lines.append(pad(t("col.kind"), kindWidth) + zip(columns, widths).map { pad(t($0), $1, right: true) }.joined())
            for (name, c) in zip(names, counts) {
                let values = [c.open, c.due, c.overdue, c.escalated].prefix(columns.count)
                lines.append(pad(name, kindWidth) + zip(values, widths).map { pad(String($0), $1, right: true) }.joined())
            }
        }
        lines += ["", t("queue", ["link": queueLink(portalURL)]), "", t("countsOnly"), t("sentBy")]
        return MailMessage(from: from, to: [address], subject: t("subject", figures) + (escalated > 0 ? t("subject.escalated", figures) : ""),
                           body: lines.joined(separator: "\n"), language: language.rawValue, messageId: messageId)
    }

    static func queueLink(_ portalURL: String) -> String {
        (portalURL.hasSuffix("/") ? String(portalURL.dropLast()) : portalURL) + "/queue"
    }

    private static func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
        let fill = String(repeating: " ", count: max(0, width - text.count))
        return right ? fill + text : text + fill
    }
}
