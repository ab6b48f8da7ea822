import Foundation
import IASRuntime

/// Threads of their own, not the dispatch pool's (which runs only as many at once as there are
/// cores): the one way the load generator and the tests put many clients to work at once
/// (journey workers, browsers, list imports, document transfers).
public final class ThreadPool: Sendable {
    private let ended = DispatchGroup()

    private init() {}

    /// Starts `body(i)` for each i in 0..<n on a thread named "`name`-i". Client code only
    /// (requests, pages, hashes): a small stack keeps hundreds of threads cheap.
    @discardableResult
    public static func start(_ n: Int, name: String, stackSize: Int = 1 << 20,
                             _ body: @escaping @Sendable (Int) -> Void) -> ThreadPool {
        let pool = ThreadPool()
        for i in 0..<n {
            pool.ended.enter()
            let thread = Thread { [ended = pool.ended] in
                Thread.current.name = "\(name)-\(i)"   // as WorkerThread: a name given before start() is lost on Linux
                body(i)
                ended.leave()
            }
            thread.stackSize = stackSize
            thread.start()
        }
        return pool
    }

    /// Waits until every thread's `body` has returned.
    public func join() { ended.wait() }

    /// Runs `body(0..<n)` on n threads and returns when all have.
    public static func run(_ n: Int, name: String, _ body: @escaping @Sendable (Int) -> Void) {
        start(n, name: name, body).join()
    }

    /// Runs `body(worker, item)` for every item on `workers` threads, each taking the next item
    /// when it is done with one; the wall time from the start to the last item's end.
    @discardableResult
    public static func run(_ workers: Int, name: String, items: Int,
                           _ body: @escaping @Sendable (Int, Int) -> Void) -> Double {
        guard items > 0 else { return 0 }
        let next = Locked(0)
        let timer = RunClock()
        run(min(workers, items), name: name) { worker in
            while let item = next.withLock({ n -> Int? in
                guard n < items else { return nil }
                n += 1
                return n - 1
            }) {
                body(worker, item)
            }
        }
        return timer.now
    }
}
