import Foundation
import IASKafka
import IASHTTPClient
import IASRuntime
import TestSupport

/// One service's drain: a second instance of its release binary (DrainInstance) with an
/// empty database of its own (DrainDatabase) reads every event of the run from the topics
/// it subscribes to, alone on the machine (the live suite is idle by then). Its rate is that
/// service's event handling, without the rest of the suite competing for the two cores.
struct ServiceDrain {
    struct Check {
        let name: String
        let live: Int
        let drain: Int
        var failed: Bool { live != drain }
    }

    struct Result {
        let service: BenchService
        var figures: DrainProgress.Figures?
        var outcomes: [String: Double] = [:]
        /// Per consumer: events the drain could never apply (see `note`).
        var rejected: [String: Double] = [:]
        /// Batches retried one event per transaction after one of their events failed.
        var batchesSplit = 0.0
        var topics: [String] = []
        /// Each consumer (subscription) of the service with its topics: a topic read by two of
        /// them (coordination's dossier and final-reports both read plan's) is consumed twice.
        var subscriptions: [String: Set<String>] = [:]
        var topicMessages: Int?
        var checks: [Check] = []
        var failure: String?
        /// Why some events could not be applied in the drain's database, and what that does
        /// to the rate. They name what only the live instance has: identifiers its handlers
        /// generated (a replay generates new ones), records made by HTTP requests (consents).
        var note: String? {
            let total = rejected.values.reduce(0, +)
            guard total > 0 else { return nil }
            return String(format: "%.0f events name records only the live database has (identifiers generated anew by the replay, records made by HTTP requests) and could not be applied; %.0f batches holding one were retried one event per transaction, so this rate errs low", total, batchesSplit)
        }
        var problems: [String] {
            [failure].compactMap { $0 } + checks.filter(\.failed).map { "\($0.name): live \($0.live), drain \($0.drain)" }
        }
    }

    /// A table per service filled only from other services' events: the drain must end with
    /// exactly as many rows as the live database (tables fed by HTTP requests would differ).
    static let replayedTables: [BenchService: String] = [
        .assessment: "case_registry", .plan: "case_registry", .costs: "case_registry", .coordination: "cases",
    ]

    let service: BenchService
    let options: BenchOptions
    let sampler: ProcessSampler
    let say: (String) -> Void
    var sampleInterval = 0.25

    func run(address: String, binDirectory: String, runId: String) -> Result {
        var result = Result(service: service)
        let database = DrainDatabase(address: address, live: "ias_\(service.name)")
        let owner: String
        do { owner = try database.create() } catch {
            result.failure = "cannot create \(database.name): \(error)"
            return result
        }
        defer {
            do { try database.drop() } catch { say("drain \(service.name): cannot drop \(database.name): \(error); drop it by hand") }
        }
        let instance: DrainInstance
        do {
            instance = try DrainInstance(
                service: service, binDirectory: binDirectory, databaseURL: database.url(database: database.name, user: owner),
                brokers: options.brokers, port: options.drainPortBase + service.rawValue, groupSuffix: "drain-\(runId)",
                logFile: options.logDirectory + "/\(service.name)-drain.log", pidFile: options.drainPidFile)
            try instance.start()
        } catch {
            result.failure = "cannot start the drain instance: \(error)"
            return result
        }
        let progress = measure(instance, into: &result)
        instance.stop()
        result.figures = progress.figures
        if result.failure == nil { result.checks = compare(database, consumed: progress.samples.last?.consumed ?? 0, result: &result) }
        return result
    }

    /// Samples the instance's /metrics and the CPU of it and PostgreSQL until it is done,
    /// stuck, gone or out of time.
    private func measure(_ instance: DrainInstance, into result: inout Result) -> DrainProgress {
        var progress = DrainProgress()
        let connection = HTTPClient(port: instance.port, readTimeout: 2)
        let postgres = options.pids["postgres"]
        let clock = RunClock()
        while true {
            let t = clock.now
            var consumed = 0.0, applied = 0.0, lag = 0.0, partitions = 0
            // A scrape that fails (not listening yet, busy) adds no sample: a sample of zeros
            // in the middle would move the start of the window.
            if let page = try? connection.request("GET", "/metrics"), page.status == 200 {
                let metrics = MetricsText(String(decoding: page.body, as: UTF8.self))
                var outcomes: [String: Double] = [:], rejected: [String: Double] = [:]
                for (labels, value) in metrics.series("ias_events_consumed_total") {
                    outcomes[labels["outcome"] ?? "?", default: 0] += value
                    if labels["outcome"] == "dead_lettered" { rejected[labels["consumer"] ?? "?", default: 0] += value }
                }
                result.outcomes = outcomes
                result.rejected = rejected
                result.batchesSplit = metrics.sum("ias_event_batches_split_total")
                consumed = outcomes.values.reduce(0, +)
                applied = outcomes["applied"] ?? 0
                let lags = metrics.series("ias_consumer_lag")
                partitions = lags.count
                lag = lags.reduce(0) { $0 + $1.value }
                result.topics = Set(lags.compactMap { $0.labels["topic"] }).sorted()
                result.subscriptions = Dictionary(grouping: lags.compactMap { l in l.labels["topic"].map { (l.labels["consumer"] ?? "?", $0) } },
                                                  by: \.0).mapValues { Set($0.map(\.1)) }
                progress.add(.init(t: t, consumed: consumed, applied: applied, lagPartitions: partitions, lag: lag,
                                   serviceCPU: sampler.cpuSeconds(of: instance.pid, includingChildren: false) ?? 0,
                                   postgresCPU: postgres.flatMap { sampler.cpuSeconds(of: $0, includingChildren: true) } ?? 0))
            }
            if progress.isDone { break }
            if !instance.isRunning {
                result.failure = "the drain instance ended early; see \(options.logDirectory)/\(service.name)-drain.log"
                break
            }
            if progress.isStalled(for: options.drainStallSeconds) {
                result.failure = String(format: "no event consumed for %.0f s with %.0f waiting: stuck; see %@/%@-drain.log",
                                        options.drainStallSeconds, lag, options.logDirectory, service.name)
                break
            }
            if t > options.drainTimeoutSeconds {
                result.failure = String(format: "not done after %.0f s (%.0f consumed, lag %.0f); raise BENCH_DRAIN_TIMEOUT_SECONDS",
                                        t, consumed, lag)
                break
            }
            Thread.sleep(forTimeInterval: max(0, sampleInterval - (clock.now - t)))
        }
        return progress
    }

    /// What the drain must agree with: every message of its topics consumed once, the
    /// replayed table as long as the live one, and per consumer the live inbox as long as the
    /// drain's plus the events the drain could not apply.
    private func compare(_ database: DrainDatabase, consumed: Double, result: inout Result) -> [Check] {
        var checks: [Check] = []
        do {
            let admin = try KafkaAdmin(configuration: KafkaConfiguration(brokers: options.brokers, clientId: "ias-bench"), logger: .bench)
            defer { admin.close() }
            // A group that never commits: its lag is everything the topic holds.
            let group = "ias-bench-count-\(UUID().uuidString.prefix(8).lowercased())"
            var held: [String: Int] = [:]
            for topic in result.topics { held[topic] = Int(try admin.lag(groupId: group, topic: topic, timeout: 15)) }
            result.topicMessages = held.values.reduce(0, +)
            // Every consumer reads each of its topics whole: a topic counts once per consumer reading it.
            let expected = result.subscriptions.values.reduce(0) { sum, topics in sum + topics.reduce(0) { $0 + (held[$1] ?? 0) } }
            let shared = result.subscriptions.count > 1 ? " (once per consumer reading it: \(result.subscriptions.keys.sorted().joined(separator: ", ")))" : ""
            checks.append(Check(name: "messages consumed vs held by \(result.topics.joined(separator: ", "))\(shared)",
                                live: expected, drain: Int(consumed)))
        } catch {
            result.failure = "cannot count the messages of \(result.topics): \(error)"
        }
        do {
            if let table = Self.replayedTables[service] {
                let live = try database.count(table, in: database.live).values.reduce(0, +)
                let drain = try database.count(table, in: database.name).values.reduce(0, +)
                checks.append(Check(name: "\(table) rows", live: live, drain: drain))
            }
            let live = try database.count("inbox", in: database.live, by: "consumer")
            let drain = try database.count("inbox", in: database.name, by: "consumer")
            for consumer in Set(live.keys).union(drain.keys).union(result.rejected.keys).sorted() {
                checks.append(Check(name: "inbox rows of \(consumer) (drain: + events it could not apply)", live: live[consumer] ?? 0,
                                    drain: (drain[consumer] ?? 0) + Int(result.rejected[consumer] ?? 0)))
            }
        } catch {
            result.failure = "cannot compare the live and the drain database: \(error)"
        }
        return checks
    }
}
