import Foundation

/// What a drain instance reported over time, and the figures taken from it: when it was done
/// and how fast it applied events while it worked. Pure, so that it can be tested alone.
struct DrainProgress {
    struct Sample: Equatable {
        let t: Double
        /// Events taken from the broker so far, whatever their outcome.
        let consumed: Double
        /// Of those, events applied (new to the inbox).
        let applied: Double
        /// Partitions the lag gauge reports (0 before the group join and the first lag reading).
        let lagPartitions: Int
        let lag: Double
        /// Cumulative CPU seconds of the drain instance and of PostgreSQL (all its processes).
        let serviceCPU: Double
        let postgresCPU: Double
    }

    private(set) var samples: [Sample] = []
    /// How long the consumed counter must stand still, with no lag, before the drain counts as done.
    let quietSeconds: Double

    init(quietSeconds: Double = 2) { self.quietSeconds = quietSeconds }

    mutating func add(_ sample: Sample) { samples.append(sample) }

    /// Done: the lag gauge covers the instance's partitions and all are 0, and nothing was
    /// consumed for `quietSeconds`. The gauge is read from a cache the consumer refreshes every
    /// few seconds, so it may say 0 only a while after the last event: the counter decides
    /// when work ended, the lag only that nothing is left.
    var isDone: Bool {
        guard let last = samples.last, last.lagPartitions > 0, last.lag == 0, last.consumed > 0 else { return false }
        guard let firstAtFinal = samples.first(where: { $0.consumed == last.consumed }) else { return false }
        return last.t - firstAtFinal.t >= quietSeconds
    }

    /// No event consumed for `seconds` although the lag says some are waiting: the instance
    /// is stuck (an event waiting for a precondition that never comes, say).
    func isStalled(for seconds: Double) -> Bool {
        guard let last = samples.last, last.lag > 0 else { return false }
        let since = samples.first(where: { $0.consumed == last.consumed })?.t ?? last.t
        return last.t - since >= seconds
    }

    struct Figures: Equatable {
        let consumed: Double
        let applied: Double
        let seconds: Double
        let appliedPerSecond: Double
        let serviceCPUPercent: Double
        let postgresCPUPercent: Double
        /// From the first sample to the last one before anything was consumed: start-up,
        /// migrations and the group join, not counted in `seconds`.
        let startupSeconds: Double
    }

    /// The working window: from the last sample before the first event was consumed to the
    /// first sample at the final count. Sampling brackets the work, so `seconds` is at most
    /// two sampling intervals too long and the rate errs low, never high.
    var figures: Figures? {
        guard let first = samples.first, let last = samples.last, last.consumed > 0,
              let end = samples.first(where: { $0.consumed == last.consumed }) else { return nil }
        let start = samples.last(where: { $0.consumed == 0 && $0.t < end.t }) ?? first
        let seconds = end.t - start.t
        guard seconds > 0 else { return nil }
        return Figures(consumed: end.consumed, applied: end.applied, seconds: seconds, appliedPerSecond: end.applied / seconds,
                       serviceCPUPercent: 100 * (end.serviceCPU - start.serviceCPU) / seconds,
                       postgresCPUPercent: 100 * (end.postgresCPU - start.postgresCPU) / seconds,
                       startupSeconds: start.t - first.t)
    }
}
