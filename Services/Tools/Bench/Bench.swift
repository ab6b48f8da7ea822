import Foundation
import IASPostgres
import IASRuntime
import TestSupport

/// The benchmark's phases, in the order they run, and what each measures:
///
/// 1. `broker`: the broker's ceiling with the services idle.
/// 2. `pipeline`: `BENCH_CASES` cases arrive as allocation lists and are driven through their
///    life as fast as the suite takes them (closed loop): throughput.
/// 3. `open-loop`: whole case lives start at a fixed rate (`BENCH_OPEN_RATE`), each from its
///    own registration; end-to-end latency counts from the scheduled start, so queueing shows.
/// 4. `writes`: registrations at a fixed rate (`BENCH_WRITE_RATE`): HTTP write latency.
/// 5. `reads`: dossier reads of random cases at a fixed rate, after `BENCH_STORED_CASES` more
///    cases were registered: read latency with that many cases stored.
/// 6. `documents`: uploads and downloads of 1 MB and 10 MB PDFs, then 8 uploads of 10 MB at
///    once with coordination's peak memory (Bench+Documents.swift).
final class Bench: @unchecked Sendable {
    struct Phase {
        let name: String
        let start: Double
        var end: Double
    }

    let options: BenchOptions
    let clock = RunClock()
    let recorder = LatencyRecorder()
    let tokens: TestTokens
    let factory = PersonFactory()
    let sampler: ProcessSampler
    private(set) var phases: [Phase] = []
    private var nextIndex = 0
    /// Allocation lists sent in this run (their Idempotency-Key and reference must be unique).
    private var listsSent = 0
    /// Seeding rows intake did not register (a run with any measured a broken suite).
    private(set) var seedingRefused = 0
    private let completions = Locked([Double]())

    init(options: BenchOptions) throws {
        self.options = options
        tokens = try TestTokens(secret: options.jwtSecret)
        sampler = ProcessSampler(pids: options.pids, portBase: options.portBase, clock: clock)
    }

    /// The API as one worker sees it: a kept-alive connection per service, the canton's intake
    /// office's tokens, every request's latency recorded by route.
    func api(readTimeout: Double = 30) -> CaseAPI {
        let ports = Dictionary(uniqueKeysWithValues: BenchService.allCases.map { ($0.name, options.portBase + $0.rawValue) })
        return CaseAPI(ports: ports,
                       caseworker: tokens.token(org: "canton:KSD", subject: "bench-caseworker", expiresIn: 14_400),
                       approver: tokens.token(org: "canton:KSD", roles: ["caseworker", "approver"], subject: "bench-approver", expiresIn: 14_400),
                       readTimeout: readTimeout,
                       observe: { [recorder, clock] route, seconds, status in
                           recorder.record(route, finishedAt: clock.now, milliseconds: seconds * 1000, status: status)
                       })
    }

    func say(_ text: String) {
        FileHandle.standardError.write(Data("[bench \(String(format: "%6.1f", clock.now)) s] \(text)\n".utf8))
    }

    func begin(_ name: String) { phases.append(Phase(name: name, start: clock.now, end: clock.now)); say("phase \(name)") }
    func end() { phases[phases.count - 1].end = clock.now }
    private func window(_ name: String) -> ClosedRange<Double> {
        guard let p = phases.first(where: { $0.name == name }) else { return 0...0 }
        return p.start...max(p.start, p.end)
    }

    private func makeRunner() -> JourneyRunner {
        JourneyRunner(workers: options.workers, clock: clock, makeAPI: { [self] in api() },
                      onFinish: { [completions] _, at in completions.withLock { $0.append(at) } })
    }

    // MARK: Phases

    func measureBroker() throws -> BrokerCeiling {
        begin("broker")
        defer { end() }
        let ceiling = try BrokerCeiling.measure(brokers: options.brokers, messages: options.brokerMessages, logger: .bench)
        say(String(format: "broker: %.0f produced/s, %.0f consumed/s", ceiling.produce_per_s, ceiling.consume_per_s))
        return ceiling
    }

    struct PipelineResult {
        var cases = 0, registered = 0, notRegistered = 0, completed = 0, failed = 0
        var seconds = 0.0, casesPerSecond = 0.0, steadyCasesPerSecond = 0.0, eventsPerSecond = 0.0
        var failures: [String: Int] = [:]
        var completedCases: [String] = []
    }

    func pipeline() -> PipelineResult {
        begin("pipeline")
        var result = PipelineResult()
        result.cases = options.cases
        let runner = makeRunner()
        let start = clock.now
        let producedBefore = totalProduced()
        // Lists go in one after another, as an intake office would upload them; each
        // registered row starts its case's life at once.
        let (registered, refused) = importLists(count: options.cases) { journeyIndex, personId, caseId in
            runner.submit(CaseJourney(index: journeyIndex, startedAt: clock.now, stages: CaseJourney.Stage.afterRegistration,
                                      registered: (personId, caseId)), at: clock.now)
        }
        result.registered = registered; result.notRegistered = refused
        say("pipeline: \(registered) registered by allocation lists (\(refused) not registered), driving their lives")
        let finished = runner.drain(deadline: clock.now + max(900, Double(options.cases) / 3))
        runner.stop()
        end()
        let done = finished.filter { $0.failure == nil }
        result.completed = done.count
        result.failed = finished.count - done.count + runner.pending
        for f in finished { if let reason = f.failure { result.failures[reason, default: 0] += 1 } }
        let times = done.compactMap(\.journey.finishedAt).sorted()
        result.completedCases = done.map(\.journey.caseId)
        if let last = times.last {
            result.seconds = last - start
            result.casesPerSecond = Double(times.count) / result.seconds
            // Steady state: the middle half of the completions, away from ramp-up and tail.
            let q1 = times[times.count / 4], q3 = times[(times.count * 3) / 4]
            if q3 > q1 { result.steadyCasesPerSecond = Double(times.count / 2) / (q3 - q1) }
            result.eventsPerSecond = (totalProduced() - producedBefore) / result.seconds
        }
        say(String(format: "pipeline: %d cases through in %.1f s: %.1f cases/s (steady %.1f), %.0f events/s",
                   result.completed, result.seconds, result.casesPerSecond, result.steadyCasesPerSecond, result.eventsPerSecond))
        return result
    }

    struct RateResult {
        var offered = 0.0, seconds = 0.0, started = 0, completed = 0, failed = 0
        var latency = LatencySummary([])
        var latencies: [(finishedAt: Double, ms: Double)] = []
        var completedCases: [String] = []
    }

    /// Starts a journey every 1/rate seconds for `seconds` (open loop) and measures each from
    /// its scheduled start to its end.
    func openLoop(_ name: String, rate: Double, seconds: Double, make: (Int, Double) -> CaseJourney) -> RateResult {
        begin(name)
        let runner = makeRunner()
        let count = Int(rate * seconds)
        let t0 = clock.now + 0.2
        for i in 0..<count {
            let at = t0 + Double(i) / rate
            let wait = at - clock.now
            if wait > 0.002 { Thread.sleep(forTimeInterval: wait - 0.001) }
            runner.submit(make(i, at), at: at)
        }
        let finished = runner.drain(deadline: clock.now + 600)
        runner.stop()
        end()
        var result = RateResult(offered: rate, seconds: seconds, started: count)
        let done = finished.filter { $0.failure == nil }
        result.completed = done.count
        result.failed = count - done.count
        result.latencies = done.compactMap { f in f.journey.finishedAt.map { ($0, ($0 - f.journey.startedAt) * 1000) } }
        result.latency = LatencySummary(result.latencies.map(\.ms))
        result.completedCases = done.map(\.journey.caseId)
        let failures = Dictionary(grouping: finished.compactMap(\.failure), by: { $0 }).mapValues(\.count)
        if !failures.isEmpty { say("\(name): failures \(failures)") }
        say(String(format: "%@: %d of %d done, p50 %.1f ms, p99 %.1f ms, max %.1f ms", name, result.completed, count,
                   result.latency.p50, result.latency.p99, result.latency.max))
        return result
    }

    func endToEnd() -> RateResult {
        openLoop("open-loop", rate: options.openRate, seconds: options.openSeconds) { [self] i, at in
            CaseJourney(index: i, person: factory.person(takeIndex()), startedAt: at, stages: CaseJourney.Stage.wholeLife)
        }
    }

    /// The whole life at `BENCH_LOW_RATE`, far below capacity: end-to-end latency without queueing.
    func endToEndBelowCapacity() -> RateResult {
        openLoop("open-loop-low", rate: options.lowRate, seconds: options.lowSeconds) { [self] i, at in
            CaseJourney(index: i, person: factory.person(takeIndex()), startedAt: at, stages: CaseJourney.Stage.wholeLife)
        }
    }

    func writes() -> RateResult {
        openLoop("writes", rate: options.writeRate, seconds: options.writeSeconds) { [self] i, at in
            CaseJourney(index: i, person: factory.person(takeIndex()), startedAt: at, stages: [.register])
        }
    }

    func reads(cases: [String]) -> (RateResult, storedCases: Int) {
        if options.storedCases > 0 {
            begin("seeding")
            let (n, refused) = importLists(count: options.storedCases) { _, _, _ in }
            end()
            seedingRefused = refused
            say("seeding: \(n) more cases registered (\(refused) refused); waiting for the dossiers")
            // Every service applies the seeded registrations: at 100,000 cases that is far
            // more than the two minutes a phase's backlog normally takes.
            settle(within: max(120, Double(options.storedCases) / 20))
        }
        let stored = storedCaseCount()
        guard !cases.isEmpty else { say("reads: no case went through; nothing to read"); return (RateResult(), stored) }
        let result = openLoop("reads", rate: options.readRate, seconds: options.readSeconds) { i, at in
            CaseJourney(index: i, startedAt: at, stages: [.readDossier], registered: ("", cases[Int.random(in: 0..<max(1, cases.count))]))
        }
        return (result, stored)
    }

    // MARK: Helpers

    func takeIndex() -> Int { defer { nextIndex += 1 }; return nextIndex }

    /// Registers `count` new persons by allocation lists; calls `registered` for each row
    /// intake registered. Returns how many were and were not registered.
    private func importLists(count: Int, registered: (Int, String, String) -> Void) -> (Int, Int) {
        let client = api()
        var done = 0, refused = 0, journeyIndex = 0
        while done + refused < count {
            let list = nextList(rows: min(options.listSize, count - done - refused), today: client.today)
            let outcome = sendList(list, client: client)
            for row in outcome.registered { registered(journeyIndex, row.personId, row.caseId); journeyIndex += 1 }
            done += outcome.registered.count; refused += outcome.refused
        }
        return (done, refused)
    }

    /// An allocation list of `rows` new persons, numbered in this run. Not thread-safe: lists
    /// are made on one thread (or under a lock), and may be sent from any.
    struct AllocationListToSend: @unchecked Sendable {
        let number: Int
        let rows: Int
        let body: JSONValue?
    }

    func nextList(rows: Int, today: String) -> AllocationListToSend {
        struct AllocationList: Encodable { let listRef: String; let allocatedOn: String; let persons: [NewPerson] }
        let persons = (0..<rows).map { _ in factory.person(takeIndex()) }
        listsSent += 1
        let body = try? JSONValue(encoding: AllocationList(listRef: "SEM-BENCH-\(factory.run)-\(listsSent)", allocatedOn: today, persons: persons))
        return AllocationListToSend(number: listsSent, rows: rows, body: body)
    }

    struct ListOutcome {
        var registered: [(personId: String, caseId: String)] = []
        var refused = 0
    }

    /// Sends one list to intake (again after a 503 or a broken connection, with the same
    /// Idempotency-Key); rows intake did not register count as refused.
    func sendList(_ list: AllocationListToSend, client: CaseAPI) -> ListOutcome {
        var outcome = ListOutcome()
        var attempt = 0
        while true {
            attempt += 1
            do {
                let key = "bench-\(factory.run)-list-\(list.number)"
                let r = try client.send("intake", "POST", "/allocation-lists", route: "POST /allocation-lists", body: list.body,
                                        headers: [("Idempotency-Key", key)])
                guard r.status == 200 || r.status == 201, case .array(let rows)? = try? r.json()["rows"] else {
                    if r.status == 503 && attempt < 20 { Thread.sleep(forTimeInterval: 0.5); continue }
                    say("allocation list \(list.number) answered \(r.status): \(String(decoding: r.body.prefix(300), as: UTF8.self))")
                    outcome.refused += list.rows
                    return outcome
                }
                for row in rows {
                    if row["outcome"]?.stringValue == "registered", let p = row["personId"]?.stringValue, let c = row["caseId"]?.stringValue {
                        outcome.registered.append((p, c))
                    } else {
                        outcome.refused += 1
                    }
                }
                return outcome
            } catch {
                if attempt >= 20 { say("allocation list \(list.number) failed: \(error)"); outcome.refused += list.rows; return outcome }
                Thread.sleep(forTimeInterval: 0.5)
            }
        }
    }

    private func totalProduced() -> Double {
        sampler.series.last.map { $0.eventsProduced.values.reduce(0, +) } ?? 0
    }

    /// Waits until every outbox is empty and no service applied an event for three seconds
    /// (at most `seconds`), so that one phase's backlog does not count in the next.
    func settle(within seconds: Double = 120) {
        let deadline = clock.now + seconds
        var quietSince: Double?
        var last = -1.0
        while clock.now < deadline {
            Thread.sleep(forTimeInterval: 0.5)
            guard let s = sampler.series.last else { continue }
            let applied = s.eventsApplied.values.reduce(0, +)
            let busy = s.outboxBacklog.values.reduce(0, +) > 0 || s.consumerLag.values.reduce(0, +) > 0 || applied != last
            last = applied
            if busy { quietSince = nil; continue }
            if quietSince == nil { quietSince = clock.now }
            if clock.now - quietSince! >= 3 { return }
        }
        say("the suite did not settle within \(Int(seconds)) s; going on")
    }

    /// The cases in coordination's dossier store (read directly: the API has no count).
    func storedCaseCount() -> Int { countInCoordination("SELECT count(*) AS n FROM cases") }

    /// A count (`… AS n`) read directly from coordination's database; 0 when it cannot be read.
    func countInCoordination(_ sql: String) -> Int {
        guard let url = options.coordinationDatabaseURL else { return 0 }
        let pool = PostgresPool(configuration: PostgresConfiguration(url: url), logger: .bench)
        defer { pool.close() }
        return (try? pool.withConnection { try $0.query(sql).first?.int("n") ?? 0 }) ?? 0
    }

    func completionTimes() -> [Double] { completions.current }
    func latencies(in phase: String) -> [String: LatencySummary] { recorder.byEndpoint(in: window(phase)) }
    func phaseWindow(_ name: String) -> ClosedRange<Double> { window(name) }
}
