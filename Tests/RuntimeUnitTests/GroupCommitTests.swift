import Foundation
import IASRuntime
import XCTest

final class GroupCommitTests: XCTestCase {
    /// What the write closure saw, in order.
    private final class Journal: @unchecked Sendable {
        let lock = NSLock()
        var batches: [[Int]] = []
        var inFlight = 0
        var maxInFlight = 0
        func begin(_ batch: [Int]) { lock.withLock { batches.append(batch); inFlight += 1; maxInFlight = max(maxInFlight, inFlight) } }
        func end() { lock.withLock { inFlight -= 1 } }
    }

    func testAloneACallerWritesItsOwnItemAtOnce() throws {
        let journal = Journal()
        let commit = GroupCommit<Int> { batch in journal.begin(batch); journal.end() }
        try commit.submit(1)
        try commit.submit(2)
        XCTAssertEqual(journal.batches, [[1], [2]])
    }

    func testConcurrentCallersShareWritesAndEachReturnsOnlyAfterItsItemIsWritten() throws {
        let journal = Journal()
        let written = Locked<Set<Int>>([])
        let commit = GroupCommit<Int>(maxBatch: 16) { batch in
            journal.begin(batch)
            Thread.sleep(forTimeInterval: 0.005)   // a commit's flush: callers pile up meanwhile
            written.withLock { $0.formUnion(batch) }
            journal.end()
        }
        let returnedBeforeWritten = Locked(0)
        DispatchQueue.concurrentPerform(iterations: 200) { i in
            try! commit.submit(i)
            if !written.current.contains(i) { returnedBeforeWritten.withLock { $0 += 1 } }
        }
        let all = journal.batches.flatMap { $0 }
        XCTAssertEqual(all.sorted(), Array(0..<200), "every item written exactly once")
        XCTAssertEqual(returnedBeforeWritten.current, 0, "no caller returned before its item was written")
        XCTAssertEqual(journal.maxInFlight, 1, "one write at a time")
        XCTAssertLessThan(journal.batches.count, 200, "concurrent callers were written together")
        XCTAssertLessThanOrEqual(journal.batches.map(\.count).max() ?? 0, 16, "no batch exceeds maxBatch")
    }

    func testAFailedWriteFailsExactlyTheCallersItCarried() throws {
        struct Refused: Error {}
        let journal = Journal()
        let commit = GroupCommit<Int>(maxBatch: 8) { batch in
            journal.begin(batch)
            defer { journal.end() }
            Thread.sleep(forTimeInterval: 0.002)
            if batch.contains(where: { $0 % 10 == 0 }) { throw Refused() }
        }
        let failed = Locked<Set<Int>>([])
        DispatchQueue.concurrentPerform(iterations: 100) { i in
            do { try commit.submit(i) } catch { failed.withLock { _ = $0.insert(i) } }
        }
        let expected = Set(journal.batches.filter { $0.contains { $0 % 10 == 0 } }.flatMap { $0 })
        XCTAssertEqual(failed.current, expected, "a caller fails if and only if its batch failed")
        XCTAssertTrue(failed.current.isSuperset(of: stride(from: 0, to: 100, by: 10)))
        // The committer keeps working after failures.
        try commit.submit(7)
        XCTAssertEqual(journal.batches.last, [7])
    }
}
