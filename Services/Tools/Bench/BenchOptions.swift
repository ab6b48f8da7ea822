import Foundation
import IASRuntime

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
    /// The documents phase (Bench+Documents.swift): uploads of 1 MB and of 10 MB PDFs, each
    /// then downloaded once, by `documentWorkers` at a time (coordination's default upload
    /// slots); then `documentConcurrentUploads` uploads of 10 MB at once for coordination's peak
    /// memory. 0 leaves a step out.
    let documentUploadsSmall: Int
    let documentUploadsLarge: Int
    let documentWorkers: Int
    let documentConcurrentUploads: Int
    let brokerMessages: Int
    /// The portal phase (Bench+Portal.swift), run when `portalPort` is not 0: the suite is
    /// filled up to `portalCases` stored cases by allocation lists of `portalListSize` rows,
    /// `portalListWorkers` at a time; then `portalBrowsers` simulated browsers, each signed in
    /// as `portalUser` with a session of its own, load the work queue and case pages for
    /// `portalSeconds`, and last submit `portalSubmits` review forms between them, each timed
    /// until the review shows on the case page.
    let portalPort: Int
    let portalUser: String
    let portalCases: Int
    let portalListSize: Int
    let portalListWorkers: Int
    let portalBrowsers: Int
    let portalSeconds: Double
    let portalSubmits: Int
    /// Cases among those stored that are handed over to a municipality before the pages are
    /// measured: each opens a handover task, so that the work queue shows a full page.
    let portalQueueTasks: Int
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
        let reader = ConfigurationReader(environment: env)
        func count(_ key: String, _ fallback: Int) -> Int { reader.int(key, default: fallback, range: 0...Int(Int32.max)) }
        func positive(_ key: String, _ fallback: Double) -> Double { reader.double(key, default: fallback, range: 1e-9...1e9) }
        jwtSecret = reader.required("IAS_JWT_SECRET", hint: "the secret the services verify tokens with")
        brokers = reader.required("IAS_KAFKA_BROKERS", hint: "the bootstrap servers of the suite's broker")
        portBase = count("IAS_PORT_BASE", 8281)
        outputDirectory = reader.string("BENCH_OUT_DIR", default: "bench-results")
        cases = count("BENCH_CASES", 5000)
        listSize = max(1, min(1000, count("BENCH_LIST_SIZE", 500)))
        workers = max(1, count("BENCH_WORKERS", 48))
        openRate = positive("BENCH_OPEN_RATE", 100)
        openSeconds = positive("BENCH_OPEN_SECONDS", 30)
        lowRate = positive("BENCH_LOW_RATE", 2)
        lowSeconds = positive("BENCH_LOW_SECONDS", 20)
        writeRate = positive("BENCH_WRITE_RATE", 200)
        writeSeconds = positive("BENCH_WRITE_SECONDS", 15)
        readRate = positive("BENCH_READ_RATE", 200)
        readSeconds = positive("BENCH_READ_SECONDS", 15)
        storedCases = count("BENCH_STORED_CASES", 0)
        documentUploadsSmall = count("BENCH_DOCUMENTS_1MB", 40)
        documentUploadsLarge = count("BENCH_DOCUMENTS_10MB", 12)
        documentWorkers = max(1, min(64, count("BENCH_DOCUMENT_WORKERS", 4)))
        documentConcurrentUploads = min(64, count("BENCH_DOCUMENT_CONCURRENT", 8))
        brokerMessages = count("BENCH_BROKER_MESSAGES", 50_000)
        portalPort = reader.int("BENCH_PORTAL_PORT", default: 0, range: 0...65535)
        portalUser = reader.string("BENCH_PORTAL_USER", default: "ksd-caseworker")
        portalCases = count("BENCH_PORTAL_CASES", 100_000)
        portalListSize = max(1, min(1000, count("BENCH_PORTAL_LIST_SIZE", 1000)))
        portalListWorkers = max(1, min(16, count("BENCH_PORTAL_LIST_WORKERS", 2)))
        portalBrowsers = max(1, min(64, count("BENCH_PORTAL_BROWSERS", 4)))
        portalSeconds = positive("BENCH_PORTAL_SECONDS", 30)
        portalSubmits = count("BENCH_PORTAL_SUBMITS", 100)
        portalQueueTasks = count("BENCH_PORTAL_QUEUE_TASKS", 250)
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
        logDirectory = reader.string("BENCH_LOG_DIR", default: ".")
        drainPortBase = count("BENCH_DRAIN_PORT_BASE", portBase + 10)
        drainTimeoutSeconds = positive("BENCH_DRAIN_TIMEOUT_SECONDS", 1800)
        drainStallSeconds = positive("BENCH_DRAIN_STALL_SECONDS", 120)
        drainPidFile = env["BENCH_DRAIN_PID_FILE"]
        try reader.validate()
    }
}
