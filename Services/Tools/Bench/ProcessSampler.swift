import Foundation
import IASHTTPClient
import IASRuntime
import TestSupport

/// Once a second: CPU and memory of every process of the suite (from /proc), and each
/// service's consumer lag, applied events and outbox backlog (from its /metrics).
final class ProcessSampler: @unchecked Sendable {
    struct ProcessSample: Codable {
        let cpuPercent: Double
        let rssMB: Double
    }

    struct Sample: Codable {
        let t: Double
        var processes: [String: ProcessSample]
        /// Per service: messages its consumers have not yet taken (sum over partitions).
        var consumerLag: [String: Double]
        /// Per service: events applied so far (cumulative).
        var eventsApplied: [String: Double]
        /// Per service: events confirmed by the broker so far (cumulative).
        var eventsProduced: [String: Double]
        var outboxBacklog: [String: Double]
    }

    private let pids: [String: Int32]
    private let portBase: Int
    private let clock: RunClock
    private let samples = Locked([Sample]())
    private let peakRSS = Locked([String: Double]())
    private let worker = Locked<WorkerThread?>(nil)
    private let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))

    init(pids: [String: Int32], portBase: Int, clock: RunClock) {
        self.pids = pids; self.portBase = portBase; self.clock = clock
    }

    /// Samples on a thread of its own until stopped; stopping ends the pause between samples at once.
    func start() throws {
        let thread = WorkerThread(AnyWorker("bench-sampler", run: { [self] stop in sample(until: stop) }))
        try thread.start()
        worker.withLock { $0 = thread }
    }

    func stop() {
        worker.current?.stop()
    }

    private func sample(until stop: StopSignal) {
        var previous: [String: (cpu: Double, at: Double)] = [:]
        let connections = BenchService.allCases.map { HTTPClient(port: portBase + $0.rawValue, readTimeout: 2) }
        while !stop.isStopped {
            let t = clock.now
            var sample = Sample(t: t, processes: [:], consumerLag: [:], eventsApplied: [:], eventsProduced: [:], outboxBacklog: [:])
            for (name, pid) in pids {
                guard let usage = usage(of: pid, includingChildren: name == "postgres") else { continue }
                let cpu = previous[name].map { (usage.cpuSeconds - $0.cpu) / max(0.001, t - $0.at) * 100 } ?? 0
                previous[name] = (usage.cpuSeconds, t)
                sample.processes[name] = ProcessSample(cpuPercent: cpu, rssMB: usage.rssMB)
                peakRSS.withLock { $0[name] = max($0[name] ?? 0, usage.peakMB) }
            }
            for service in BenchService.allCases {
                guard let text = try? connections[service.rawValue].request("GET", "/metrics"),
                      text.status == 200 else { continue }
                let metrics = MetricsText(String(decoding: text.body, as: UTF8.self))
                sample.consumerLag[service.name] = metrics.sum("ias_consumer_lag")
                sample.eventsApplied[service.name] = metrics.sum("ias_events_consumed_total", where: "outcome=\"applied\"")
                sample.eventsProduced[service.name] = metrics.sum("ias_events_produced_total")
                sample.outboxBacklog[service.name] = metrics.sum("ias_outbox_backlog")
            }
            samples.withLock { $0.append(sample) }
            stop.wait(seconds: max(0, 1 - (clock.now - t)))
        }
    }

    var series: [Sample] { samples.current }
    /// Highest resident set per process over the run (VmHWM; for PostgreSQL see `usage`).
    var peakResidentMB: [String: Double] { peakRSS.current }

    private struct Usage { let cpuSeconds: Double; let rssMB: Double; let peakMB: Double; var privateMB = 0.0 }

    /// CPU seconds a process used so far (with `includingChildren`, those of its children
    /// too, as for PostgreSQL); nil when it is gone. For processes outside the sampled set.
    func cpuSeconds(of pid: Int32, includingChildren: Bool) -> Double? {
        usage(of: pid, includingChildren: includingChildren)?.cpuSeconds
    }

    /// For PostgreSQL (`includingChildren`): CPU of all its processes, and their private
    /// memory (RssAnon) plus the server's own resident set — the shared buffers mapped by
    /// every backend would otherwise count once per backend. Its peak is the highest sample.
    private func usage(of pid: Int32, includingChildren: Bool) -> Usage? {
        guard var total = processUsage(pid) else { return nil }
        if includingChildren {
            for child in children(of: pid) {
                guard let u = processUsage(child) else { continue }
                total = Usage(cpuSeconds: total.cpuSeconds + u.cpuSeconds, rssMB: total.rssMB + u.privateMB, peakMB: 0, privateMB: 0)
            }
            total = Usage(cpuSeconds: total.cpuSeconds, rssMB: total.rssMB, peakMB: total.rssMB, privateMB: 0)
        }
        return total
    }

    private func processUsage(_ pid: Int32) -> Usage? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        // Fields after the command name: state(3) ppid(4) ... utime(14) stime(15).
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let utime = Double(fields[11]), let stime = Double(fields[12]) else { return nil }
        var rss = 0.0, peak = 0.0, anonymous = 0.0
        if let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) {
            for line in status.split(separator: "\n") {
                if line.hasPrefix("VmRSS:") { rss = kilobytes(line) / 1024 }
                if line.hasPrefix("VmHWM:") { peak = kilobytes(line) / 1024 }
                if line.hasPrefix("RssAnon:") { anonymous = kilobytes(line) / 1024 }
            }
        }
        return Usage(cpuSeconds: (utime + stime) / ticksPerSecond, rssMB: rss, peakMB: peak, privateMB: anonymous)
    }

    private func kilobytes(_ line: Substring) -> Double {
        Double(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
    }

    private func children(of parent: Int32) -> [Int32] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        return entries.compactMap { entry -> Int32? in
            guard let pid = Int32(entry), let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { return nil }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return fields.count > 1 && Int32(fields[1]) == parent ? pid : nil
        }
    }
}

/// The few figures the sampler reads from a Prometheus text page.
struct MetricsText {
    private let lines: [Substring]
    init(_ text: String) { lines = text.split(separator: "\n").filter { !$0.hasPrefix("#") } }

    /// Every series of `name` with its labels (`{a="x",b="y"}`) and value.
    func series(_ name: String) -> [(labels: [String: String], value: Double)] {
        lines.compactMap { line in
            guard line.hasPrefix(name) else { return nil }
            let rest = line.dropFirst(name.count)
            guard let value = line.split(separator: " ").last.flatMap({ Double($0) }) else { return nil }
            if rest.first == " " { return ([:], value) }
            guard rest.first == "{", let close = rest.lastIndex(of: "}") else { return nil }
            var labels: [String: String] = [:]
            // Label values here are topic, consumer and outcome names: no escaped quotes or commas.
            for pair in rest[rest.index(after: rest.startIndex)..<close].split(separator: ",") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                guard parts.count == 2 else { continue }
                labels[String(parts[0])] = String(parts[1].trimmingCharacters(in: CharacterSet(charactersIn: "\"")))
            }
            return (labels, value)
        }
    }

    /// Sum of every series of `name` (with labels containing `filter`, if given).
    func sum(_ name: String, where filter: String? = nil) -> Double {
        var total = 0.0
        for line in lines where line.hasPrefix(name) {
            let rest = line.dropFirst(name.count)
            guard rest.first == "{" || rest.first == " " else { continue }
            if let filter, !rest.contains(filter) { continue }
            if let value = line.split(separator: " ").last.flatMap({ Double($0) }) { total += value }
        }
        return total
    }
}
