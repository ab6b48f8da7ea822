import Foundation

/// The drain phase, last, with the live suite idle and every event of the run in the topics:
/// each consuming service in turn replays its topics with a second instance (ServiceDrain).
extension Bench {
    /// `consumers`: the services that applied events during the run (intake consumes none).
    func drains(consumers: [BenchService]) -> [ServiceDrain.Result] {
        guard let bin = options.binDirectory, let address = options.postgresAddress else {
            say("drain: skipped (BENCH_BIN_DIR and BENCH_POSTGRES_ADDRESS are not both set; deploy/local/bench.sh sets them)")
            return []
        }
        let runId = String(UUID().uuidString.prefix(8).lowercased())
        return consumers.map { service in
            say("drain \(service.name): a second instance with an empty database reads its topics from the start")
            let result = ServiceDrain(service: service, options: options, sampler: sampler, say: say)
                .run(address: address, binDirectory: bin, runId: runId)
            if let f = result.figures {
                say(String(format: "drain %@: %.0f events applied in %.1f s: %.0f events/s (CPU: service %.0f %%, PostgreSQL %.0f %%; start-up %.1f s)",
                           service.name, f.applied, f.seconds, f.appliedPerSecond, f.serviceCPUPercent, f.postgresCPUPercent, f.startupSeconds))
            }
            for check in result.checks {
                let verdict = check.failed ? "DIFFERENT" : "same"
                say("drain \(service.name):   \(check.name): live \(check.live), drain \(check.drain) — \(verdict)")
            }
            if let note = result.note { say("drain \(service.name): note: \(note)") }
            for problem in result.problems { say("drain \(service.name): FAILED: \(problem)") }
            return result
        }
    }
}
