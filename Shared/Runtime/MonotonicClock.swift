import Foundation
import Glibc

/// Seconds on a clock that never jumps: every interval and deadline is measured on it, so that
/// none moves when the wall clock is set (NTP, an operator). `Date` is for what is shown or stored.
package enum MonotonicClock {
    package static func now() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1_000_000_000
    }

    /// Seconds left until `deadline` (0 when past).
    package static func remaining(until deadline: Double) -> Double { max(0, deadline - now()) }

    /// Milliseconds left until `deadline`, as poll(2) wants them (0 when past).
    package static func pollTimeout(until deadline: Double) -> Int32 {
        let remaining = (deadline - now()) * 1000
        if remaining <= 0 { return 0 }
        return Int32(min(remaining.rounded(.up), Double(Int32.max)))
    }
}

extension NSCondition {
    /// Waits (locked) for a signal until `deadline` on `MonotonicClock`; false once it has passed.
    /// NSCondition itself waits on the wall clock, so the wait goes in slices of at most a
    /// quarter second: a step of that clock changes a slice, not the deadline. May return true
    /// without a signal, like any condition wait: callers loop on what they wait for.
    package func wait(untilMonotonic deadline: Double) -> Bool {
        let remaining = deadline - MonotonicClock.now()
        guard remaining > 0 else { return false }
        _ = wait(until: Date(timeIntervalSinceNow: min(remaining, 0.25)))
        return MonotonicClock.now() < deadline
    }
}
