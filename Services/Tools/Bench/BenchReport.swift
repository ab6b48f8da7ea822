import Foundation
import IASRuntime
import TestSupport

/// Everything one run measured, as written to bench-results/latest.json and printed as a table.
struct BenchReport {
    struct Target {
        let name: String
        let target: String
        let measured: Double?
        let unit: String
        let met: Bool?
    }

    var json: [String: Any] = [:]
    var targets: [Target] = []

    static func number(_ x: Double?) -> Any { x.map { ($0 * 100).rounded() / 100 } ?? NSNull() }
    /// Ratios keep four decimals (a share of a few per cent must not round to a whole one).
    static func ratio(_ x: Double?) -> Any { x.map { ($0 * 10_000).rounded() / 10_000 } ?? NSNull() }

    static func summary(_ s: LatencySummary) -> [String: Any] {
        ["count": s.count, "p50_ms": number(s.p50), "p90_ms": number(s.p90), "p95_ms": number(s.p95), "p99_ms": number(s.p99), "max_ms": number(s.max)]
    }

    /// The terminal table: figures, their ceilings and targets.
    func table() -> String {
        var lines = ["", "figure                                      measured        target          met"]
        lines.append(String(repeating: "-", count: 84))
        for t in targets {
            let measured = t.measured.map { String(format: "%.1f %@", $0, t.unit) } ?? "n/a"
            let met = t.met.map { $0 ? "yes" : "NO" } ?? "-"
            lines.append(t.name.padding(toLength: 44, withPad: " ", startingAt: 0)
                         + measured.padding(toLength: 16, withPad: " ", startingAt: 0)
                         + t.target.padding(toLength: 16, withPad: " ", startingAt: 0) + met)
        }
        return lines.joined(separator: "\n")
    }

    func write(to directory: String) throws -> String {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        // One top-level member per line, so that two runs' files compare line by line.
        let members = try json.keys.sorted().map { key in
            String(decoding: try JSONCoding.encode(JSONValue.object([key: try TestJSON.value(json[key]!)])).dropFirst().dropLast(), as: UTF8.self)
        }
        let path = directory + "/latest.json"
        try Data(("{\n" + members.joined(separator: ",\n") + "\n}\n").utf8).write(to: URL(fileURLWithPath: path))
        return path
    }
}
