import IASRuntime

/// Work a service does by itself at an interval (the automatic closure after 7 years, overdue
/// reviews): inside the service, not a cron outside it. A job must be idempotent — several
/// instances run it, and a run may be cut off by a crash — so each one changes only rows that
/// still need it, in a transaction that also writes the resulting events.
public struct ScheduledJob: Sendable {
    public let name: String
    public let intervalSeconds: Double
    public let run: @Sendable () throws -> Void

    public init(name: String, intervalSeconds: Double, run: @escaping @Sendable () throws -> Void) {
        self.name = name; self.intervalSeconds = intervalSeconds; self.run = run
    }

    /// Runs the job at once, then at every interval until stopped; a failed run is logged,
    /// counted and tried again at the next interval.
    func worker(logger: Logger, metrics: MetricsRegistry) -> AnyWorker {
        let logger = logger.with(["job": name])
        return AnyWorker("scheduled job \(name)", run: { stop in
            repeat {
                var outcome = "ok"
                do { try run() } catch {
                    outcome = "failed"
                    logger.warning("scheduled job failed; it runs again at its next interval", ["error": String(describing: error)])
                }
                metrics.increment("ias_scheduled_job_runs_total", help: "Runs of scheduled jobs, by outcome.",
                                  labels: ["job": name, "outcome": outcome])
            } while !stop.wait(seconds: intervalSeconds)
        })
    }
}
