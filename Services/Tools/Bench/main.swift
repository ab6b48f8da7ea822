import Foundation
import IASRuntime

// `ias-bench`: drives the running suite through its phases (see Bench.swift), writes
// bench-results/latest.json and bench-results/latest.svg and prints a table of every figure
// beside its ceiling and target. Started by deploy/local/bench.sh (`make bench`), which starts
// the suite, measures the PostgreSQL and HTTP ceilings and passes them in.

let options: BenchOptions
do { options = try BenchOptions() } catch { CommandLineOptions.fail("ias-bench: \(error)") }
let bench: Bench
do { bench = try Bench(options: options) } catch { CommandLineOptions.fail("ias-bench: \(error)") }

var ceilings: [String: JSONValue] = [:]
if let file = options.ceilingsFile {
    guard let data = FileManager.default.contents(atPath: file), case .object(let parsed)? = try? JSONParser.parse(Array(data)) else {
        CommandLineOptions.fail("ias-bench: cannot read the ceilings in \(file)")
    }
    ceilings = parsed
}

do { try bench.sampler.start() } catch { CommandLineOptions.fail("ias-bench: sampler: \(error)") }
let broker: BrokerCeiling
do { broker = try bench.measureBroker() } catch { CommandLineOptions.fail("ias-bench: broker ceiling: \(error)") }
ceilings["broker"] = .object(["messages": .number(Double(broker.messages)), "message_bytes": .number(Double(broker.messageBytes)),
                              "produce_per_s": BenchReport.number(broker.produce_per_s), "consume_per_s": BenchReport.number(broker.consume_per_s)])
bench.settle()
let pipeline = bench.pipeline()
bench.settle()
let e2eLow = bench.endToEndBelowCapacity()
bench.settle()
let e2e = bench.endToEnd()
bench.settle()
let writes = bench.writes()
bench.settle()
let (reads, storedCases) = bench.reads(cases: pipeline.completedCases + e2e.completedCases)
bench.settle()
// The case workers' portal with BENCH_PORTAL_CASES stored (Bench+Portal.swift).
let portal = bench.portal(cases: pipeline.completedCases + e2e.completedCases)
bench.settle()
// Memory while cases are kept, apart from what the documents phase adds (its own figure).
let peakBeforeDocuments = bench.sampler.peakResidentMB
let documents = bench.documents(cases: pipeline.completedCases + e2e.completedCases)
bench.settle()   // the drains must find every event of the run in the topics
bench.sampler.stop()
let drainConsumers = BenchService.allCases.filter { service in bench.sampler.series.contains { ($0.eventsApplied[service.name] ?? 0) > 0 } }
let drains = bench.drains(consumers: drainConsumers)

// MARK: Derived figures

let series = bench.sampler.series
let services = BenchService.allCases.map(\.name)
let pipelineWindow = bench.phaseWindow("pipeline")

/// Events a service applied per second while it had a backlog (its consumers were busy, not
/// waiting) and the whole suite ran on the same cores: what it managed under this load,
/// bounded by CPU contention more than by the service (the drain measures it alone).
func eventHandlingRate(_ service: String) -> (rate: Double, basis: String) {
    var applied = 0.0, seconds = 0.0
    for (a, b) in zip(series, series.dropFirst()) where pipelineWindow.contains(a.t) {
        guard (a.consumerLag[service] ?? 0) > 0 else { continue }
        applied += (b.eventsApplied[service] ?? 0) - (a.eventsApplied[service] ?? 0)
        seconds += b.t - a.t
    }
    if seconds >= 2 { return (applied / seconds, "seconds with consumer lag > 0") }
    // No backlog ever built up: the service kept pace; its best 5-second rate is a lower bound.
    var best = 0.0
    for (i, a) in series.enumerated() where pipelineWindow.contains(a.t) {
        guard let b = series.dropFirst(i).first(where: { $0.t >= a.t + 5 }) else { break }
        best = max(best, ((b.eventsApplied[service] ?? 0) - (a.eventsApplied[service] ?? 0)) / (b.t - a.t))
    }
    return (best, "best 5 s during the pipeline (the service never fell behind)")
}

let pgEvents = BenchReport.double(ceilings["postgres"]?["batched_events_per_s"])
/// PostgreSQL's ceiling for document content: 512 KiB chunks inserted by pgbench, in MB/s.
let pgDocuments = BenchReport.double(ceilings["postgres"]?["document_chunk_mb_per_s"])
let healthz = BenchReport.double(ceilings["http"]?["healthz_rps"]), reference = BenchReport.double(ceilings["http"]?["reference_rps"])
var underLoad: [String: JSONValue] = [:], underLoadRatios: [String: JSONValue] = [:]
var report = BenchReport()
for service in services {
    // A service that consumes nothing (intake) has no event-handling figure.
    guard series.contains(where: { ($0.eventsApplied[service] ?? 0) > 0 }) else { underLoadRatios[service] = .null; continue }
    let (rate, basis) = eventHandlingRate(service)
    underLoad[service] = .object(["events_per_s": BenchReport.number(rate), "basis": .string(basis)])
    underLoadRatios[service] = BenchReport.ratio(pgEvents.map { rate / $0 })
}
var handling: [String: JSONValue] = [:], handlingRatios: [String: JSONValue] = [:]
for service in services { handlingRatios[service] = .null }
for drain in drains {
    let service = drain.service.name
    var entry: [String: JSONValue] = [
        "basis": .string("drain of the run's topics by a second instance alone, empty database, relay off"),
        "topics": .array(drain.topics.map(JSONValue.string)), "outcomes": .object(drain.outcomes.mapValues { BenchReport.number($0) }),
        "topic_messages": drain.topicMessages.map { .number(Double($0)) } ?? .null,
        "checks": .array(drain.checks.map { .object(["name": .string($0.name), "live": .number(Double($0.live)), "drain": .number(Double($0.drain))]) })]
    if let f = drain.figures {
        entry["events"] = .number(Double(Int(f.applied)))
        entry["seconds"] = BenchReport.number(f.seconds)
        entry["events_per_s"] = BenchReport.number(f.appliedPerSecond)
        entry["startup_seconds"] = BenchReport.number(f.startupSeconds)
        entry["cpu_percent"] = .object(["service": BenchReport.number(f.serviceCPUPercent), "postgres": BenchReport.number(f.postgresCPUPercent)])
    }
    entry["batches_split"] = BenchReport.number(drain.batchesSplit)
    if let note = drain.note { entry["note"] = .string(note) }
    if !drain.problems.isEmpty { entry["problems"] = .array(drain.problems.map(JSONValue.string)) }
    handling[service] = .object(entry)
    // A drain that failed a check measured something else: no ratio from it.
    handlingRatios[service] = drain.problems.isEmpty ? BenchReport.ratio(drain.figures.flatMap { f in pgEvents.map { f.appliedPerSecond / $0 } }) : .null
}
let peak = bench.sampler.peakResidentMB
var cpu: [String: JSONValue] = [:]
for name in Set(series.flatMap { $0.processes.keys }).sorted() {
    let inPipeline = series.filter { pipelineWindow.contains($0.t) }.compactMap { $0.processes[name]?.cpuPercent }
    cpu[name] = BenchReport.number(inPipeline.isEmpty ? nil : inPipeline.reduce(0, +) / Double(inPipeline.count))
}

// MARK: Report

let info = ProcessInfo.processInfo
do {
    let v = BenchReport.value
    report.json = try [
        "run": .object(["finished_at": .string(Timestamp.now()), "cores": v(info.activeProcessorCount),
                        "memory_gb": BenchReport.number(Double(info.physicalMemory) / 1_073_741_824),
                        "cases": v(options.cases), "list_size": v(options.listSize), "workers": v(options.workers),
                        "open_rate": v(options.openRate), "open_seconds": v(options.openSeconds), "write_rate": v(options.writeRate),
                        "write_seconds": v(options.writeSeconds), "read_rate": v(options.readRate), "read_seconds": v(options.readSeconds),
                        "documents_1mb": v(options.documentUploadsSmall), "documents_10mb": v(options.documentUploadsLarge),
                        "document_workers": v(options.documentWorkers), "document_concurrent_uploads": v(options.documentConcurrentUploads),
                        "phases": .array(bench.phases.map {
                            .object(["name": .string($0.name), "start_s": BenchReport.number($0.start), "end_s": BenchReport.number($0.end)])
                        })]),
        "pipeline_cases_per_s": BenchReport.number(pipeline.casesPerSecond),
        "pipeline_steady_cases_per_s": BenchReport.number(pipeline.steadyCasesPerSecond),
        "pipeline_events_per_s": BenchReport.number(pipeline.eventsPerSecond),
        "pipeline": .object(["cases": v(pipeline.cases), "registered": v(pipeline.registered), "not_registered": v(pipeline.notRegistered),
                             "completed": v(pipeline.completed), "failed": v(pipeline.failed), "seconds": BenchReport.number(pipeline.seconds),
                             "failures": v(pipeline.failures)]),
        "e2e_p99_ms": BenchReport.number(e2e.latency.p99),
        "e2e": .object(["offered_cases_per_s": v(e2e.offered), "started": v(e2e.started), "completed": v(e2e.completed), "failed": v(e2e.failed),
                        "latency": BenchReport.summary(e2e.latency)]),
        "e2e_below_capacity": .object(["offered_cases_per_s": v(e2eLow.offered), "started": v(e2eLow.started), "completed": v(e2eLow.completed),
                                       "failed": v(e2eLow.failed), "latency": BenchReport.summary(e2eLow.latency)]),
        "http_write_p99_ms": BenchReport.number(writes.latency.p99),
        "http_write": .object(["offered_per_s": v(writes.offered), "completed": v(writes.completed), "failed": v(writes.failed),
                               "latency": BenchReport.summary(writes.latency)]),
        "dossier_read_p99_ms": BenchReport.number(reads.latency.p99),
        "dossier_read": .object(["offered_per_s": v(reads.offered), "completed": v(reads.completed), "failed": v(reads.failed),
                                 "cases_stored": v(storedCases), "latency": BenchReport.summary(reads.latency)]),
        "documents": documents.json(postgresMegabytesPerSecond: pgDocuments),
        "portal_page_p99_ms": portal.load.pages.count > 0 ? BenchReport.number(portal.load.pages.p99) : .null,
        "portal_submit_visible_p99_ms": portal.visible.count > 0 ? BenchReport.number(portal.visible.p99) : .null,
        "portal": portal.json(),
        "http_endpoints": .object(Dictionary(uniqueKeysWithValues: ["pipeline", "open-loop-low", "open-loop", "writes", "reads", "portal-storing",
                                                                    "portal-one-browser", "portal", "portal-submit", "documents"].map { phase in
            (phase, JSONValue.object(bench.latencies(in: phase).mapValues(BenchReport.summary)))
        })),
        "event_handling": .object(handling),
        "event_handling_under_load": .object(underLoad),
        "peak_rss_mb": .object(peak.mapValues { BenchReport.number($0) }),
        "peak_rss_mb_before_documents": .object(peakBeforeDocuments.mapValues { BenchReport.number($0) }),
        "cpu_percent_during_pipeline": .object(cpu),
        "ceilings": .object(ceilings),
        "ratios": .object([
            "event_handling_vs_postgres": .object(handlingRatios),
            "event_handling_under_load_vs_postgres": .object(underLoadRatios),
            "http_healthz_vs_reference": BenchReport.ratio(healthz.flatMap { h in reference.map { h / $0 } }),
            "pipeline_events_vs_broker_produce": BenchReport.ratio(pipeline.eventsPerSecond / broker.produce_per_s),
            "pipeline_cases_vs_target_1000": BenchReport.ratio(pipeline.casesPerSecond / 1000),
            "document_transfer_vs_postgres": documents.ratios(postgresMegabytesPerSecond: pgDocuments),
        ]),
        "series": .array(series.map { s in
            try .object(["t": BenchReport.number(s.t), "consumer_lag": v(s.consumerLag), "events_applied": v(s.eventsApplied),
                     "events_produced": v(s.eventsProduced), "outbox_backlog": v(s.outboxBacklog),
                     "cpu_percent": .object(s.processes.mapValues { BenchReport.number($0.cpuPercent) }),
                     "rss_mb": .object(s.processes.mapValues { BenchReport.number($0.rssMB) })])
        }),
    ]
} catch {
    CommandLineOptions.fail("ias-bench: cannot write the results: \(error)")
}

func target(_ name: String, _ goal: String, _ value: Double?, _ unit: String, _ ok: (Double) -> Bool) -> BenchReport.Target {
    BenchReport.Target(name: name, target: goal, measured: value, unit: unit, met: value.map(ok))
}
report.targets = [
    target("pipeline (intake to active plan)", "≥ 1000", pipeline.casesPerSecond, "cases/s") { $0 >= 1000 },
    target("  steady state (middle half)", "≥ 1000", pipeline.steadyCasesPerSecond, "cases/s") { $0 >= 1000 },
    target("  events through the broker", "-", pipeline.eventsPerSecond, "/s") { _ in true },
    target(String(format: "end to end p99 at %.0f cases/s", e2e.offered), "≤ 500 ms", e2e.latency.p99, "ms") { $0 <= 500 },
    target(String(format: "  at %g cases/s (below capacity)", e2eLow.offered), "-", e2eLow.latency.p99, "ms") { _ in true },
    target(String(format: "HTTP write p99 at %.0f/s", writes.offered), "≤ 50 ms", writes.latency.p99, "ms") { $0 <= 50 },
    target("dossier read p99 (\(storedCases) cases stored)", "≤ 10 ms", reads.latency.p99, "ms") { $0 <= 10 },
    target("/healthz vs reference server", "≥ 70 %", healthz.flatMap { h in reference.map { 100 * h / $0 } }, "%") { $0 >= 70 },
]
report.targets += portal.targets()
for drain in drains {
    let rate = drain.problems.isEmpty ? drain.figures?.appliedPerSecond : nil
    report.targets.append(target("\(drain.service.name) events/s, drain alone", "-", rate, "/s") { _ in true })
    let ratio = BenchReport.double(handlingRatios[drain.service.name])
    report.targets.append(target("  vs PostgreSQL ceiling", "≥ 50 %", ratio.map { $0 * 100 }, "%") { $0 >= 50 })
}
for service in services {
    guard let ratio = BenchReport.double(underLoadRatios[service]) else { continue }
    report.targets.append(target("\(service) under load vs PostgreSQL", "-", ratio * 100, "%") { _ in true })
}
for service in services {
    report.targets.append(target("\(service) peak memory before documents", "≤ 150 MB", peakBeforeDocuments[service], "MB") { $0 <= 150 })
}
if !documents.batches.isEmpty || documents.peak != nil {
    report.targets.append(target("PostgreSQL ceiling, 512 KiB chunk inserts", "-", pgDocuments, "MB/s") { _ in true })
}
for batch in documents.batches {
    for (direction, d) in [("upload", batch.uploads), ("download", batch.downloads)] {
        report.targets.append(target("document \(direction) \(batch.label), \(options.documentWorkers) at once", "-", d.megabytesPerSecond, "MB/s") { _ in true })
        report.targets.append(target("  vs PostgreSQL ceiling", "-", d.megabytesPerSecond.flatMap { m in pgDocuments.map { 100 * m / $0 } }, "%") { _ in true })
        report.targets.append(target("  p99 (p50 \(Int(d.latency.p50.rounded())) ms)", "-", d.latency.p99, "ms") { _ in true })
    }
}
if let p = documents.peak {
    report.targets.append(target("coordination peak, \(p.uploads) × 10 MB at once", "< 150 MB", p.peakMB, "MB") { $0 < 150 })
    report.targets.append(target("  uploads created (201)", "all \(p.uploads)", Double(p.created), "") { Int($0) == p.uploads })
    report.targets.append(target("  answered 503, then retried", "-", Double(p.answered503), "") { _ in true })
}

// MARK: Chart

var casesPerSecond: [(Double, Double)] = []
let times = bench.completionTimes().sorted()
if let last = times.last {
    var bins = [Double](repeating: 0, count: Int(last) + 1)
    for t in times { bins[Int(t)] += 1 }
    casesPerSecond = bins.enumerated().map { (Double($0.offset), $0.element) }
}
var eventsPerSecond: [(Double, Double)] = []
for (a, b) in zip(series, series.dropFirst()) {
    let produced = b.eventsProduced.values.reduce(0, +) - a.eventsProduced.values.reduce(0, +)
    eventsPerSecond.append((b.t, max(0, produced) / max(0.001, b.t - a.t)))
}
func percentileSeries(_ latencies: [(finishedAt: Double, ms: Double)], _ q: Double) -> [(Double, Double)] {
    Dictionary(grouping: latencies, by: { Int($0.finishedAt) }).sorted { $0.key < $1.key }.map { second, items in
        let sorted = items.map(\.ms).sorted()
        return (Double(second), sorted[min(sorted.count - 1, Int(Double(sorted.count) * q))])
    }
}
let allLatencies = e2e.latencies + writes.latencies + reads.latencies
let chart = BenchChart(
    phases: bench.phases.map { ($0.name, $0.start, $0.end) },
    panels: [
        .init(title: "Throughput", unit: "per s", series: [
            .init(label: "cases through", color: BenchChart.palette[0], points: casesPerSecond),
            .init(label: "events produced", color: BenchChart.palette[1], points: eventsPerSecond)]),
        .init(title: "Latency of journeys ending in each second (open loop: from scheduled start)", unit: "ms", series: [
            .init(label: "p50", color: BenchChart.palette[2], points: percentileSeries(allLatencies, 0.5)),
            .init(label: "p99", color: BenchChart.palette[3], points: percentileSeries(allLatencies, 0.99))]),
        .init(title: "Consumer lag (messages not yet taken)", unit: "messages", series: services.enumerated().map { i, service in
            .init(label: service, color: BenchChart.palette[i], points: series.map { ($0.t, $0.consumerLag[service] ?? 0) })
        }),
    ])

do {
    let path = try report.write(to: options.outputDirectory)
    try chart.svg().write(toFile: options.outputDirectory + "/latest.svg", atomically: true, encoding: .utf8)
    print(report.table())
    print("\nwritten: \(path), \(options.outputDirectory)/latest.svg")
} catch {
    CommandLineOptions.fail("ias-bench: cannot write the results: \(error)")
}
// A run in which cases were lost or refused measured a broken suite, not a slow one.
let brokenJourneys: Int = pipeline.failed + e2eLow.failed + e2e.failed + writes.failed + reads.failed
let broken: Int = brokenJourneys + pipeline.notRegistered + bench.seedingRefused + documents.failed + portal.broken
if broken > 0 || pipeline.completed == 0 {
    CommandLineOptions.printError("ias-bench: \(broken) journeys or document transfers failed or were refused; the figures are not valid")
    exit(1)
}
// A drain that did not replay exactly what the topics hold measured something else.
let drainProblems = drains.flatMap { d in d.problems.map { "\(d.service.name): \($0)" } }
if !drainProblems.isEmpty {
    CommandLineOptions.printError("ias-bench: the drain phase failed; its event-handling figures are not valid:\n"
        + drainProblems.map { "  - " + $0 }.joined(separator: "\n"))
    exit(1)
}
