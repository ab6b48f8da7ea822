/// The result of one consistency check: `ok` or `FAIL`, with counts and a few example ids.
struct ConsistencyFinding {
    static let exampleLimit = 5

    let check: String
    let problems: Int
    let detail: String

    var line: String { "\(problems == 0 ? "ok  " : "FAIL") \(check)  \(detail)" }

    /// `problems` is the sum of the counts of `parts` (label and offending ids); `context`
    /// describes what was compared.
    static func compare(_ check: String, context: String, _ parts: [(label: String, ids: [String])]) -> ConsistencyFinding {
        let problems = parts.reduce(0) { $0 + $1.ids.count }
        guard problems > 0 else { return ConsistencyFinding(check: check, problems: 0, detail: context) }
        let described = parts.filter { !$0.ids.isEmpty }.map { "\($0.ids.count) \($0.label) (\(examples($0.ids)))" }
        return ConsistencyFinding(check: check, problems: problems, detail: described.joined(separator: "; ") + "; " + context)
    }

    static func examples(_ ids: [String]) -> String {
        let shown = ids.sorted().prefix(exampleLimit).joined(separator: ", ")
        return ids.count > exampleLimit ? shown + ", …" : shown
    }
}
