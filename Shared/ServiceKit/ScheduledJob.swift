import Foundation
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
}

/// Runs scheduled jobs on their own threads until stopped.
final class JobRunner: @unchecked Sendable {
    private let job: ScheduledJob
    private let logger: Logger
    private let metrics: MetricsRegistry
    private let stopSignal = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    private let running = Locked(false)

    init(job: ScheduledJob, logger: Logger, metrics: MetricsRegistry) {
        self.job = job; self.logger = logger.with(["job": job.name]); self.metrics = metrics
    }

    func start() {
        running.withLock { $0 = true }
        let thread = Thread { [self] in
            while running.current {
                do {
                    try job.run()
                    metrics.increment("ias_scheduled_job_runs_total", help: "Runs of scheduled jobs, by outcome.",
                                      labels: ["job": job.name, "outcome": "ok"])
                } catch {
                    logger.warning("scheduled job failed; it runs again at its next interval", ["error": String(describing: error)])
                    metrics.increment("ias_scheduled_job_runs_total", help: "Runs of scheduled jobs, by outcome.",
                                      labels: ["job": job.name, "outcome": "failed"])
                }
                _ = stopSignal.wait(timeout: .now() + job.intervalSeconds)
            }
            finished.signal()
        }
        thread.name = "job-\(job.name)"
        thread.start()
    }

    func stop() {
        let was = running.withLock { r -> Bool in let w = r; r = false; return w }
        guard was else { return }
        stopSignal.signal()
        finished.wait()
    }
}
