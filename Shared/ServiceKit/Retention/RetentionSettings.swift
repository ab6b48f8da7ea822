import IASRuntime

/// The retention keys every service reads: the rules (bundled or a canton's file), how often
/// the retention job runs and how many records one of its transactions handles.
public struct RetentionSettings: Sendable {
    public let rules: RetentionRules
    public let intervalSeconds: Double
    public let batchSize: Int

    /// Reads the keys with `reader`; a rules file that cannot be used is reported as its problem,
    /// together with the other keys' problems. Nil when there was a problem.
    static func read(from reader: ConfigurationReader) -> RetentionSettings? {
        // Empty: the bundled retention-rules.json; a canton ships its own file.
        let file = reader.string("IAS_RETENTION_RULES_FILE", default: "")
        let interval = reader.double("IAS_RETENTION_INTERVAL_SECONDS", default: 3600, range: 0.2...86_400)
        let batch = reader.int("IAS_RETENTION_BATCH_SIZE", default: 500, range: 1...10_000)
        do {
            return RetentionSettings(rules: try RetentionRules.load(path: file), intervalSeconds: interval, batchSize: batch)
        } catch let error as RetentionRulesError {
            for problem in error.problems { reader.report("IAS_RETENTION_RULES_FILE: \(problem)") }
        } catch {
            reader.report("IAS_RETENTION_RULES_FILE: \(error)")
        }
        return nil
    }
}
