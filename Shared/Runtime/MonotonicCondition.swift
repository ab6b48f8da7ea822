import Glibc

/// A lock and a condition whose timed wait runs on `MonotonicClock`. NSCondition's timed wait runs
/// on the wall clock, which a step (NTP, an operator) would stretch or cut; this one waits on
/// CLOCK_MONOTONIC (`pthread_condattr_setclock`). Used wherever a thread waits with a deadline:
/// the stop signal, the pool's checkout, the producer's deliveries, upload slots, awaited events.
package final class MonotonicCondition: @unchecked Sendable {
    // pthread objects must not move: they live in memory of their own, not in Swift properties.
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

    package init() {
        mutex.initialize(to: pthread_mutex_t())
        condition.initialize(to: pthread_cond_t())
        var attributes = pthread_condattr_t()
        // On the wall clock instead, every timed wait would return at once and its caller spin.
        precondition(pthread_mutex_init(mutex, nil) == 0 && pthread_condattr_init(&attributes) == 0
                     && pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC) == 0 && pthread_cond_init(condition, &attributes) == 0,
                     "a condition on the monotonic clock could not be made")
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    package func lock() { pthread_mutex_lock(mutex) }
    package func unlock() { pthread_mutex_unlock(mutex) }

    package func withLock<T>(_ body: () throws -> T) rethrows -> T {
        lock()
        defer { unlock() }
        return try body()
    }

    /// Wakes one waiter; call with the lock held.
    package func signal() { pthread_cond_signal(condition) }
    /// Wakes every waiter; call with the lock held.
    package func broadcast() { pthread_cond_broadcast(condition) }
    /// Waits (locked) for a signal.
    package func wait() { pthread_cond_wait(condition, mutex) }

    /// Waits (locked) for a signal until `deadline` on `MonotonicClock`; false once it has passed.
    /// May return true without a signal, like any condition wait: callers loop on what they wait for.
    package func wait(until deadline: Double) -> Bool {
        let now = MonotonicClock.now()
        guard deadline > now else { return false }
        // At most a day per wait, so that a far deadline stays a valid timespec; callers loop.
        let target = min(deadline, now + 86_400)
        let seconds = target.rounded(.down)
        var spec = timespec(tv_sec: Int(seconds), tv_nsec: min(999_999_999, Int((target - seconds) * 1_000_000_000)))
        _ = pthread_cond_timedwait(condition, mutex, &spec)
        return MonotonicClock.now() < deadline
    }
}
