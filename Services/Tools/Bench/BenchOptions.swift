import Foundation

/// The services of the suite; their ports are the base port plus the raw value.
enum BenchService: Int, CaseIterable, Sendable {
    case intake, assessment, plan, costs, coordination
    var name: String { String(describing: self) }
}

/// What one benchmark run does, from the environment (deploy/local/bench.sh sets the stack's
/// part; the BENCH_* sizing keys are documented in README.md, "Performance").
struct BenchOptions {
    let portBase: Int
    let brokers: String
    let jwtSecret: String
    let outputDirectory: String
    /// Cases of the bulk pipeline phase, imported as allocation lists of `listSize` rows.
    let cases: Int
    let listSize: Int
    let workers: Int
    /// Offered rate and length of the open-loop end-to-end phase.
    let openRate: Double
    let openSeconds: Double
    /// The same journey at a rate well below the suite's capacity: the latency of a case when
    /// nothing queues (what the 100/s phase adds is queueing).
    let lowRate: Double
    let lowSeconds: Double
    /// Offered rate and length of the HTTP write phase (registrations).
    let writeRate: Double
    let writeSeconds: Double
    /// Offered rate and length of the dossier read phase, and extra cases registered before it.
    let readRate: Double
    let readSeconds: Double
    let storedCases: Int
    let brokerMessages: Int
    /// Process ids of the suite, `name=pid,...` (services, postgres, broker).
    let pids: [String: Int32]
    /// Ceilings measured by the script before this program ran (pgbench, wrk), as JSON.
    let ceilingsFile: String?
    /// Coordination's database, read only to count the cases stored.
    let coordinationDatabaseURL: String?
    /// The drain phase (DrainPhase.swift) runs when both are given: the directory of the
    /// release binaries, and PostgreSQL's `host:port` (reached as the superuser `postgres`).
    let binDirectory: String?
    let postgresAddress: String?
    /// Where the drain instances write their logs, and their HTTP ports (service index added).
    let logDirectory: String
    let drainPortBase: Int
    /// A drain that takes longer, or consumes nothing for `drainStallSeconds` with events
    /// waiting, has failed.
    let drainTimeoutSeconds: Double
    let drainStallSeconds: Double
    /// The pid of a running drain instance is written here, so that the script's clean-up
    /// stops it if this program is interrupted.
    let drainPidFile: String?

    init(environment env: [String: String] = ProcessInfo.processInfo.environment) throws {
        func int(_ key: String, _ fallback: Int) throws -> Int {
            guard let text = env[key], !text.isEmpty else { return fallback }
            guard let value = Int(text), value >= 0 else { throw BenchError("\(key) must be a whole number ≥ 0, not \(text)") }
            return value
        }
        func double(_ key: String, _ fallback: Double) throws -> Double {
            guard let text = env[key], !text.isEmpty else { return fallback }
            guard let value = Double(text), value > 0 else { throw BenchError("\(key) must be a number > 0, not \(text)") }
            return value
        }
        guard let secret = env["IAS_JWT_SECRET"], !secret.isEmpty else { throw BenchError("IAS_JWT_SECRET is not set") }
        guard let brokers = env["IAS_KAFKA_BROKERS"], !brokers.isEmpty else { throw BenchError("IAS_KAFKA_BROKERS is not set") }
        jwtSecret = secret
        self.brokers = brokers
        portBase = try int("IAS_PORT_BASE", 8281)
        outputDirectory = env["BENCH_OUT_DIR"] ?? "bench-results"
        cases = try int("BENCH_CASES", 5000)
        listSize = max(1, min(1000, try int("BENCH_LIST_SIZE", 500)))
        workers = max(1, try int("BENCH_WORKERS", 48))
        openRate = try double("BENCH_OPEN_RATE", 100)
        openSeconds = try double("BENCH_OPEN_SECONDS", 30)
        lowRate = try double("BENCH_LOW_RATE", 2)
        lowSeconds = try double("BENCH_LOW_SECONDS", 20)
        writeRate = try double("BENCH_WRITE_RATE", 200)
        writeSeconds = try double("BENCH_WRITE_SECONDS", 15)
        readRate = try double("BENCH_READ_RATE", 200)
        readSeconds = try double("BENCH_READ_SECONDS", 15)
        storedCases = try int("BENCH_STORED_CASES", 0)
        brokerMessages = try int("BENCH_BROKER_MESSAGES", 50_000)
        var pids: [String: Int32] = [:]
        for part in (env["BENCH_PIDS"] ?? "").split(separator: ",") {
            let pair = part.split(separator: "=")
            if pair.count == 2, let pid = Int32(pair[1]) { pids[String(pair[0])] = pid }
        }
        pids["ias-bench"] = getpid()
        self.pids = pids
        ceilingsFile = env["BENCH_CEILINGS_FILE"]
        coordinationDatabaseURL = env["BENCH_COORDINATION_DATABASE_URL"]
        binDirectory = env["BENCH_BIN_DIR"].flatMap { $0.isEmpty ? nil : $0 }
        postgresAddress = env["BENCH_POSTGRES_ADDRESS"].flatMap { $0.isEmpty ? nil : $0 }
        logDirectory = env["BENCH_LOG_DIR"] ?? "."
        drainPortBase = try int("BENCH_DRAIN_PORT_BASE", portBase + 10)
        drainTimeoutSeconds = try double("BENCH_DRAIN_TIMEOUT_SECONDS", 1800)
        drainStallSeconds = try double("BENCH_DRAIN_STALL_SECONDS", 120)
        drainPidFile = env["BENCH_DRAIN_PID_FILE"]
    }
}
