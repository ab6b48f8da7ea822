import Foundation

/// How a worker is asked to stop, and woken early from a pause: a worker pauses only through
/// its signal, so that a stop request ends any pause at once.
public final class StopSignal: @unchecked Sendable {
    private let condition = MonotonicCondition()
    private var stopped = false
    private var woken = false

    public init() {}

    public var isStopped: Bool { condition.withLock { stopped } }

    /// Asks to stop; idempotent, never blocks.
    public func stop() { condition.withLock { stopped = true; condition.broadcast() } }

    /// Ends the current (or next) pause early; several wake-ups before it count as one.
    public func wake() { condition.withLock { woken = true; condition.broadcast() } }

    /// Pauses up to `seconds`, less when woken or stopped; true when stopped.
    @discardableResult
    public func wait(seconds: Double) -> Bool {
        condition.withLock {
            let deadline = MonotonicClock.now() + max(0, seconds)
            while !stopped && !woken && condition.wait(until: deadline) {}
            woken = false
            return stopped
        }
    }

    /// Blocks until asked to stop.
    public func wait() { condition.withLock { while !stopped { condition.wait() } } }

    /// Runs `attempt` until it succeeds (nil once stopped), pausing `from` seconds, doubling to
    /// 5, between tries; `failed` hears each failure and the pause, and may rethrow to give up.
    public func retry<T, E: Error>(from first: Double = 0.5, _ attempt: () throws -> T,
                                   failed: (any Error, Double) throws(E) -> Void) throws(E) -> T? {
        var backoff = Backoff(first: first)
        while !isStopped {
            do { return try attempt() } catch {
                let pause = backoff.next()
                try failed(error, pause)
                wait(seconds: pause)
            }
        }
        return nil
    }
}
