import IASRuntime

/// The task keys coordination reads: the task rules (bundled or a canton's file) and how often
/// the scheduled prompts and the escalation run.
struct TaskSettings: Sendable {
    let rules: TaskRules
    let intervalSeconds: Double

    static let standard = TaskSettings(rules: .bundled, intervalSeconds: 3600)

    /// Reads the keys with `reader`; a rules file that cannot be used is reported with every
    /// problem, together with the other keys' problems. Nil when there was a problem.
    static func read(from reader: ConfigurationReader) -> TaskSettings? {
        // Empty: the bundled task-rules.json; a canton ships its own file.
        let file = reader.string("IAS_TASK_RULES_FILE", default: "")
        let interval = reader.double("IAS_TASK_PROMPTS_INTERVAL_SECONDS", default: 3600, range: 0.2...86_400)
        do {
            return TaskSettings(rules: try TaskRules.load(path: file), intervalSeconds: interval)
        } catch let error as TaskRulesError {
            for problem in error.problems { reader.report("IAS_TASK_RULES_FILE: \(problem)") }
        } catch {
            reader.report("IAS_TASK_RULES_FILE: \(error)")
        }
        return nil
    }
}
