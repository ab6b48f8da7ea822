import Foundation
import IASHTTP
import IASRuntime

/// Runs case journeys on a fixed set of worker threads (the load generator's many, a test's few). A journey waiting for an event to
/// travel does not hold a thread: it goes back into a queue ordered by the time of its next
/// step. With an open-loop arrival process the queue is where overload shows: steps start
/// late, and the lateness is part of the measured end-to-end latency.
public final class JourneyRunner: @unchecked Sendable {
    public struct Finished: Sendable {
        public let journey: CaseJourney
        public let failure: String?
    }

    private let condition = MonotonicCondition()
    private var heap = TimedHeap()
    private var outstanding = 0
    private var stopping = false
    private var finished: [Finished] = []
    private let clock: RunClock
    private let onFinish: @Sendable (CaseJourney, Double) -> Void

    /// - Parameter onFinish: told of each journey that reached its end, with the time it did.
    public init(workers: Int, clock: RunClock, makeAPI: @escaping @Sendable () -> CaseAPI,
         onFinish: @escaping @Sendable (CaseJourney, Double) -> Void = { _, _ in }) {
        self.clock = clock; self.onFinish = onFinish
        ThreadPool.start(workers, name: "bench-worker", stackSize: 512 * 1024) { [self] _ in work(makeAPI()) }
    }

    /// Queues a new journey whose first step is due at `at` (run seconds).
    public func submit(_ journey: CaseJourney, at: Double) {
        condition.lock()
        outstanding += 1
        heap.push(at: at, journey)
        condition.signal()
        condition.unlock()
    }

    /// Waits until every submitted journey ended (or the deadline passed); returns all ended ones.
    public func drain(deadline: Double) -> [Finished] {
        condition.lock()
        defer { condition.unlock() }
        while outstanding > 0 && clock.now < deadline {
            _ = condition.wait(until: MonotonicClock.now() + 0.2)
        }
        return finished
    }

    public var pending: Int { condition.lock(); defer { condition.unlock() }; return outstanding }

    public func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        condition.unlock()
    }

    private func work(_ api: CaseAPI) {
        while true {
            condition.lock()
            var next: CaseJourney?
            while next == nil {
                if stopping { condition.unlock(); return }
                if let due = heap.peekTime {
                    let wait = due - clock.now
                    if wait <= 0 { next = heap.pop(); break }
                    _ = condition.wait(until: MonotonicClock.now() + wait)
                } else {
                    _ = condition.wait(until: MonotonicClock.now() + 0.5)
                }
            }
            condition.unlock()
            guard let journey = next else { continue }
            let outcome = journey.step(api, now: clock.now)
            condition.lock()
            switch outcome {
            case .next(let after):
                heap.push(at: clock.now + after, journey)
                condition.signal()
            case .done:
                let now = clock.now
                journey.finishedAt = now
                finished.append(Finished(journey: journey, failure: nil))
                outstanding -= 1
                onFinish(journey, now)
                condition.broadcast()
            case .failed(let reason):
                finished.append(Finished(journey: journey, failure: reason))
                outstanding -= 1
                condition.broadcast()
            }
            condition.unlock()
        }
    }
}

/// A binary min-heap of journeys by due time; ties keep their insertion order.
public struct TimedHeap {
    private var items: [(at: Double, seq: Int, journey: CaseJourney)] = []
    private var counter = 0

    public var peekTime: Double? { items.first?.at }

    public init() {}

    public mutating func push(at: Double, _ journey: CaseJourney) {
        counter += 1
        items.append((at, counter, journey))
        var i = items.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard less(i, parent) else { break }
            items.swapAt(i, parent); i = parent
        }
    }

    public mutating func pop() -> CaseJourney? {
        guard !items.isEmpty else { return nil }
        items.swapAt(0, items.count - 1)
        let top = items.removeLast().journey
        var i = 0
        while true {
            let l = 2 * i + 1, r = l + 1
            var m = i
            if l < items.count && less(l, m) { m = l }
            if r < items.count && less(r, m) { m = r }
            if m == i { break }
            items.swapAt(i, m); i = m
        }
        return top
    }

    private func less(_ a: Int, _ b: Int) -> Bool {
        items[a].at < items[b].at || (items[a].at == items[b].at && items[a].seq < items[b].seq)
    }
}

/// Seconds since the clock was made, on the monotonic clock: a run's time line.
public struct RunClock: Sendable {
    private let start = MonotonicClock.now()
    public init() {}
    public var now: Double { MonotonicClock.now() - start }
}
