import Foundation
import IASRuntime

/// Lets one log line per key through per interval; a broker outage otherwise produces the
/// same warning many times a second.
final class RateLimiter: Sendable {
    private let interval: TimeInterval
    private let state = Locked<[String: (last: Double, suppressed: Int)]>([:])

    init(interval: TimeInterval) { self.interval = interval }

    /// Nil when suppressed; otherwise how many were suppressed since the last one let through.
    func admit(_ key: String) -> Int? {
        let now = MonotonicClock.now()
        return state.withLock { entries in
            if let entry = entries[key], now - entry.last < interval {
                entries[key] = (entry.last, entry.suppressed + 1)
                return nil
            }
            let suppressed = entries[key]?.suppressed ?? 0
            entries[key] = (now, 0)
            return suppressed
        }
    }
}
