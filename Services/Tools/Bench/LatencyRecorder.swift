import Foundation
import IASRuntime

/// Percentiles of a set of durations (milliseconds).
struct LatencySummary: Codable, Sendable {
    let count: Int
    let p50: Double
    let p90: Double
    let p95: Double
    let p99: Double
    let max: Double

    init(_ samples: [Double]) {
        let sorted = samples.sorted()
        count = sorted.count
        func at(_ q: Double) -> Double {
            guard !sorted.isEmpty else { return 0 }
            // Nearest rank: the smallest sample with at least q of all samples at or below it.
            let rank = Int((q * Double(sorted.count)).rounded(.up))
            return sorted[Swift.max(0, Swift.min(sorted.count - 1, rank - 1))]
        }
        p50 = at(0.50); p90 = at(0.90); p95 = at(0.95); p99 = at(0.99); max = sorted.last ?? 0
    }
}

/// Collects every request's latency by endpoint (method and route template), with the time it
/// finished, so that phases and per-second series can be cut out afterwards.
final class LatencyRecorder: @unchecked Sendable {
    struct Sample: Sendable {
        let endpoint: String
        let finishedAt: Double   // seconds since the run began
        let milliseconds: Double
        let status: Int
    }

    private let samples = Locked([Sample]())

    func record(_ endpoint: String, finishedAt: Double, milliseconds: Double, status: Int) {
        samples.withLock { $0.append(Sample(endpoint: endpoint, finishedAt: finishedAt, milliseconds: milliseconds, status: status)) }
    }

    func all() -> [Sample] { samples.current }

    /// Summaries per endpoint of the samples that finished within `window`.
    func byEndpoint(in window: ClosedRange<Double>) -> [String: LatencySummary] {
        var grouped: [String: [Double]] = [:]
        for s in all() where window.contains(s.finishedAt) { grouped[s.endpoint, default: []].append(s.milliseconds) }
        return grouped.mapValues(LatencySummary.init)
    }
}
