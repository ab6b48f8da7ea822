import Foundation

/// A small Prometheus registry: counters and histograms with labels, and gauges read on
/// scrape. Label values must be bounded (route names, topics, outcomes), never personal data
/// or identifiers.
public final class MetricsRegistry: @unchecked Sendable {
    private struct Family {
        let name: String
        let help: String
        let kind: String
        var counters: [String: Double] = [:]       // rendered labels -> value
        var histograms: [String: HistogramState] = [:]
        let buckets: [Double]
    }

    private struct HistogramState {
        var counts: [UInt64]
        var sum: Double = 0
        var count: UInt64 = 0
    }

    private let families = Locked<[String: Family]>([:])
    private let gauges = Locked<[(name: String, help: String, read: @Sendable () -> [(labels: [String: String], value: Double)])]>([])

    public static let defaultLatencyBuckets: [Double] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

    public init() {}

    public func increment(_ name: String, help: String, labels: [String: String] = [:], by amount: Double = 1) {
        let key = Self.render(labels)
        families.withLock { all in
            var family = all[name] ?? Family(name: name, help: help, kind: "counter", buckets: [])
            family.counters[key, default: 0] += amount
            all[name] = family
        }
    }

    public func observe(_ name: String, help: String, labels: [String: String] = [:], value: Double,
                        buckets: [Double] = MetricsRegistry.defaultLatencyBuckets) {
        let key = Self.render(labels)
        families.withLock { all in
            var family = all[name] ?? Family(name: name, help: help, kind: "histogram", buckets: buckets)
            var state = family.histograms[key] ?? HistogramState(counts: Array(repeating: 0, count: family.buckets.count))
            for (i, bound) in family.buckets.enumerated() where value <= bound { state.counts[i] += 1 }
            state.sum += value
            state.count += 1
            family.histograms[key] = state
            all[name] = family
        }
    }

    /// A gauge whose samples are read at scrape time (for example the outbox backlog).
    public func gauge(_ name: String, help: String, read: @escaping @Sendable () -> [(labels: [String: String], value: Double)]) {
        gauges.withLock { $0.append((name, help, read)) }
    }

    /// The current value of a counter (tests and the consistency checks use it).
    public func counterValue(_ name: String, labels: [String: String] = [:]) -> Double {
        families.withLock { $0[name]?.counters[Self.render(labels)] ?? 0 }
    }

    /// Prometheus text exposition format 0.0.4.
    public func render() -> String {
        var out = ""
        let snapshot = families.current
        for family in snapshot.values.sorted(by: { $0.name < $1.name }) {
            out += "# HELP \(family.name) \(family.help)\n# TYPE \(family.name) \(family.kind)\n"
            if family.kind == "counter" {
                for (labels, value) in family.counters.sorted(by: { $0.key < $1.key }) {
                    out += "\(family.name)\(labels.isEmpty ? "" : "{\(labels)}") \(Self.number(value))\n"
                }
            } else {
                for (labels, state) in family.histograms.sorted(by: { $0.key < $1.key }) {
                    let prefix = labels.isEmpty ? "" : labels + ","
                    for (i, bound) in family.buckets.enumerated() {
                        out += "\(family.name)_bucket{\(prefix)le=\"\(Self.number(bound))\"} \(state.counts[i])\n"
                    }
                    out += "\(family.name)_bucket{\(prefix)le=\"+Inf\"} \(state.count)\n"
                    out += "\(family.name)_sum\(labels.isEmpty ? "" : "{\(labels)}") \(Self.number(state.sum))\n"
                    out += "\(family.name)_count\(labels.isEmpty ? "" : "{\(labels)}") \(state.count)\n"
                }
            }
        }
        for gauge in gauges.current {
            out += "# HELP \(gauge.name) \(gauge.help)\n# TYPE \(gauge.name) gauge\n"
            for sample in gauge.read() {
                let labels = Self.render(sample.labels)
                out += "\(gauge.name)\(labels.isEmpty ? "" : "{\(labels)}") \(Self.number(sample.value))\n"
            }
        }
        return out
    }

    /// The series key of a label set. Runs on every counted request and event, so it avoids
    /// Foundation's string replacement (a quarter of the CPU of a `/healthz` request): labels
    /// are escaped byte by byte, and only when they hold a character that needs it.
    static func render(_ labels: [String: String]) -> String {
        if labels.isEmpty { return "" }
        var out = ""
        for (i, (key, value)) in labels.sorted(by: { $0.key < $1.key }).enumerated() {
            if i > 0 { out += "," }
            out += key
            out += "=\""
            if value.utf8.contains(where: { $0 == 0x5C || $0 == 0x22 || $0 == 0x0A }) {
                for character in value.unicodeScalars {
                    switch character {
                    case "\\": out += "\\\\"
                    case "\"": out += "\\\""
                    case "\n": out += "\\n"
                    default: out.unicodeScalars.append(character)
                    }
                }
            } else {
                out += value
            }
            out += "\""
        }
        return out
    }

    static func number(_ v: Double) -> String {
        if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
        return String(v)
    }
}
