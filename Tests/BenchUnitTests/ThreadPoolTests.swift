import Foundation
import IASRuntime
import TestSupport
import XCTest

/// The threads the bench's phases and the journeys run on.
final class ThreadPoolTests: XCTestCase {
    func testEveryBodyRunsOnAThreadOfItsOwnBeforeRunReturns() {
        let caller = pthread_self()
        let ran = Locked([Int: Bool]())
        ThreadPool.run(4, name: "bench-portal") { i in
            Thread.sleep(forTimeInterval: 0.01)
            ran.withLock { $0[i] = pthread_equal(pthread_self(), caller) == 0 }
        }
        XCTAssertEqual(ran.current, [0: true, 1: true, 2: true, 3: true])
    }

    func testWorkersTakeEveryItemOnceAndNoMoreAtOnceThanThereAreWorkers() {
        let done = Locked([Int]()), running = Locked((now: 0, most: 0)), workersSeen = Locked(Set<Int>())
        let seconds = ThreadPool.run(3, name: "bench-documents", items: 20) { worker, item in
            running.withLock { $0.now += 1; $0.most = max($0.most, $0.now) }
            Thread.sleep(forTimeInterval: 0.005)
            done.withLock { $0.append(item) }
            workersSeen.withLock { _ = $0.insert(worker) }
            running.withLock { $0.now -= 1 }
        }
        XCTAssertEqual(done.current.sorted(), Array(0..<20))
        XCTAssertLessThanOrEqual(running.current.most, 3)
        XCTAssertTrue(workersSeen.current.isSubset(of: [0, 1, 2]))
        XCTAssertGreaterThan(seconds, 0)
        XCTAssertEqual(ThreadPool.run(4, name: "bench-documents", items: 0) { _, _ in XCTFail("no item") }, 0)
    }
}
