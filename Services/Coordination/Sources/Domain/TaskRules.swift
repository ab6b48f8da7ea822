import Foundation
import IASContracts
import IASRuntime
import IASServiceKit

/// When each kind of task is due, and when it is escalated: the task rules as data
/// (`task-rules.json` shipped with the code, or a canton's file named by `IAS_TASK_RULES_FILE`).
/// Read and checked at start; every problem is reported.
struct TaskRules: Sendable {
    struct Rule: Sendable {
        let kind: TaskKind
        /// The task is due this long after the day it is counted from; nil: never due.
        let due: RetentionPeriod?
        /// Scheduled prompts only: the task opens this long before it is due.
        let openBefore: RetentionPeriod?
        /// An open task this long past its due date is escalated to the canton.
        let escalateAfter: RetentionPeriod
        /// Potential assessment only: the ages (at triage) it applies to.
        let ages: ClosedRange<Int>?

        func dueOn(from day: CalendarDate) -> CalendarDate? { due.map { day.adding($0) } }

        /// The day a scheduled prompt opens for a step due on `dueOn`.
        func opensOn(dueOn: CalendarDate) -> CalendarDate { openBefore.map { dueOn.adding($0, sign: -1) } ?? dueOn }

        /// The day an open task due on `dueOn` is escalated (the day after the grace ends).
        func escalatesOn(dueOn: CalendarDate) -> CalendarDate {
            let end = dueOn.adding(escalateAfter)
            return end.adding(days: 1) ?? end
        }
    }

    /// The day each kind is counted from; the file names it too, so that it reads
    /// unambiguously, and a file that says otherwise is refused.
    static func countedFrom(_ kind: TaskKind) -> String {
        switch kind {
        case .handover: "transfer"
        case .measureFollowUp, .overdueReview: "deviation"
        case .costDecision: "request"
        case .obtainConsent: "referral"
        case .statusMeeting, .shortAssessment: "regularization"
        case .potentialAssessment, .planAgreement: "triage"
        case .reviewDue: "next-review"
        case .costDecisionNotice: "decision"
        case .partnerUpdateNotice: "partner-update"
        case .languageCourseMissing: "agreement"
        case .sevenYearLimit: "entry"
        }
    }

    /// The kinds a scheduled job opens (the others open from an event): they name when they open.
    static let scheduled: Set<TaskKind> = [.reviewDue, .languageCourseMissing, .sevenYearLimit]

    /// The organisation escalations go to: the canton's integration office.
    static let canton = "canton:KSD"

    let version: String
    private let rules: [TaskKind: Rule]

    subscript(kind: TaskKind) -> Rule { rules[kind]! }   // parse refuses a file without every kind

    // MARK: Loading

    static var bundledFile: URL? { Bundle.module.url(forResource: "task-rules", withExtension: "json") }

    /// The shipped rules; they are checked by a unit test, so they always parse.
    static let bundled: TaskRules = {
        do { return try load(path: "") } catch { fatalError("the bundled task-rules.json is not usable: \(error)") }
    }()

    /// The bundled rules, or the file at `path` (a canton's own).
    static func load(path: String) throws -> TaskRules {
        let url: URL
        if !path.isEmpty {
            url = URL(fileURLWithPath: path)
        } else {
            guard let bundled = bundledFile else { throw TaskRulesError(problems: ["the bundled task-rules.json is missing from the installation"]) }
            url = bundled
        }
        let data: Data
        do { data = try Data(contentsOf: url) } catch { throw TaskRulesError(problems: ["cannot read the task rules at \(url.path)"]) }
        return try parse(data)
    }

    private struct File: Decodable {
        struct Ages: Decodable { let from: Int; let to: Int }
        struct Entry: Decodable {
            let kind: String
            let from: String
            let due: String?
            let openBefore: String?
            let escalateAfter: String?
            let ages: Ages?
            let note: String?
        }
        let version: String
        let escalateAfter: String
        let rules: [Entry]
    }

    static func parse(_ data: Data) throws -> TaskRules {
        let file: File
        do { file = try JSONCoding.decode(File.self, from: data) } catch {
            throw TaskRulesError(problems: ["the task rules are not valid: \(JSONCoding.explain(error))"])
        }
        var problems: [String] = []
        if file.version.trimmingCharacters(in: .whitespaces).isEmpty { problems.append("version must not be empty") }
        func period(_ text: String?, _ what: String) -> RetentionPeriod? {
            guard let text else { return nil }
            guard let p = RetentionPeriod(text), p.hours == 0, p.minutes == 0, p.seconds == 0 else {
                problems.append("\(what) '\(text)' is not an ISO-8601 duration in days, weeks, months or years, such as P14D or P3M")
                return nil
            }
            return p
        }
        let defaultEscalation = period(file.escalateAfter, "escalateAfter")
        var rules: [TaskKind: Rule] = [:]
        for entry in file.rules {
            guard let kind = TaskKind(rawValue: entry.kind) else {
                problems.append("unknown kind '\(entry.kind)' (known: \(TaskKind.allCases.map(\.rawValue).joined(separator: ", ")))")
                continue
            }
            let name = kind.rawValue
            if rules[kind] != nil { problems.append("\(name) is given twice") }
            if entry.from != countedFrom(kind) { problems.append("\(name) is counted from \(countedFrom(kind)), not from '\(entry.from)'") }
            let due = period(entry.due, "\(name): due")
            if entry.due == nil, kind != .obtainConsent { problems.append("\(name): due is required") }
            let openBefore = period(entry.openBefore, "\(name): openBefore")
            if scheduled.contains(kind), entry.openBefore == nil { problems.append("\(name): openBefore is required (a scheduled prompt)") }
            if !scheduled.contains(kind), entry.openBefore != nil { problems.append("\(name): openBefore applies to scheduled prompts only") }
            let escalate = entry.escalateAfter == nil ? defaultEscalation : period(entry.escalateAfter, "\(name): escalateAfter")
            var ages: ClosedRange<Int>?
            if let a = entry.ages {
                if kind != .potentialAssessment { problems.append("\(name): ages applies to potential_assessment only") }
                if a.from < 0 || a.to < a.from || a.to > 120 { problems.append("\(name): ages \(a.from)-\(a.to) is not a range of ages") } else {
                    ages = a.from...a.to
                }
            }
            if let escalate { rules[kind] = Rule(kind: kind, due: due, openBefore: openBefore, escalateAfter: escalate, ages: ages) }
        }
        for kind in TaskKind.allCases where !file.rules.contains(where: { $0.kind == kind.rawValue }) {
            problems.append("\(kind.rawValue) has no rule")
        }
        guard problems.isEmpty else { throw TaskRulesError(problems: problems) }
        return TaskRules(version: file.version, rules: rules)
    }
}

struct TaskRulesError: Error, CustomStringConvertible {
    let problems: [String]
    var description: String { problems.joined(separator: "; ") }
}

extension CalendarDate {
    /// The day `period` later (`sign` -1: earlier): years and months in the calendar (the end
    /// of a shorter month is its last day), then weeks and days; days that would leave the
    /// years a date may have are not added.
    func adding(_ period: RetentionPeriod, sign: Int = 1) -> CalendarDate {
        let shifted = adding(months: sign * (period.years * 12 + period.months))
        return shifted.adding(days: sign * (period.weeks * 7 + period.days)) ?? shifted
    }
}
