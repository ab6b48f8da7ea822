import Foundation
import IASRuntime

/// Everything one run measured, as written to bench-results/latest.json and printed as a table.
struct BenchReport {
    struct Target {
        let name: String
        let target: String
        let measured: Double?
        let unit: String
        let met: Bool?
    }

    var json: [String: JSONValue] = [:]
    var targets: [Target] = []

    /// Figures keep two decimals; null when there is none.
    static func number(_ x: Double?) -> JSONValue { x.map { .number(($0 * 100).rounded() / 100) } ?? .null }
    /// Ratios keep four decimals (a share of a few per cent must not round to a whole one).
    static func ratio(_ x: Double?) -> JSONValue { x.map { .number(($0 * 10_000).rounded() / 10_000) } ?? .null }
    /// Counts, settings, texts and lists or maps of them, as they are.
    static func value(_ x: any Encodable) throws -> JSONValue { try JSONValue(encoding: x) }

    /// A number read back (a ceiling, a ratio); nil for anything else.
    static func double(_ value: JSONValue?) -> Double? {
        if case .number(let n)? = value { return n }
        return nil
    }

    static func summary(_ s: LatencySummary) -> JSONValue {
        .object(["count": .number(Double(s.count)), "p50_ms": number(s.p50), "p90_ms": number(s.p90), "p95_ms": number(s.p95),
                 "p99_ms": number(s.p99), "max_ms": number(s.max)])
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
            JSONString.quote(key) + ":" + String(decoding: try JSONCoding.encode(json[key]!), as: UTF8.self)
        }
        let path = directory + "/latest.json"
        try Data(("{\n" + members.joined(separator: ",\n") + "\n}\n").utf8).write(to: URL(fileURLWithPath: path))
        return path
    }
}
