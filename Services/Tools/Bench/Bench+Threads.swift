import Foundation
import IASRuntime
import TestSupport

extension Bench {
    /// Runs `body(0..<n)` on n threads of their own (not the dispatch pool, which runs only as
    /// many at once as there are cores) and returns when all have. The bench's one pool: every
    /// phase that needs work at once (browsers, list imports, document transfers) starts it here.
    static func onThreads(_ n: Int, name: String, _ body: @escaping @Sendable (Int) -> Void) {
        let group = DispatchGroup()
        for i in 0..<n {
            group.enter()
            let thread = Thread { body(i); group.leave() }
            thread.name = "\(name)-\(i)"
            // Client code only (requests, pages, hashes): a small stack keeps hundreds of browsers cheap.
            thread.stackSize = 1 << 20
            thread.start()
        }
        group.wait()
    }

    /// Runs `body(worker, item)` for every item on `workers` threads, each taking the next item
    /// when it is done with one; the wall time from the start to the last item's end.
    static func onWorkers(_ workers: Int, items: Int, _ body: @escaping @Sendable (Int, Int) -> Void) -> Double {
        guard items > 0 else { return 0 }
        let next = Locked(0)
        let timer = RunClock()
        onThreads(min(workers, items), name: "bench-documents") { worker in
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
