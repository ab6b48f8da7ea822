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
