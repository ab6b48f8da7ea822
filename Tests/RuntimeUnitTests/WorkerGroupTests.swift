import Foundation
@testable import IASRuntime
import TestSupport
import XCTest

/// A worker that writes down what happens to it, and fails or ignores a stop when told to.
private struct FakeWorker: Worker {
    struct Failure: Error {}
    enum Behaviour { case normal, failsToPrepare, failsWhileRunning, ignoresStop }

    let name: String
    let journal: Locked<[String]>
    var behaviour = Behaviour.normal
    var preparing: Double = 0

    func prepare(until stop: StopSignal) throws {
        journal.withLock { $0.append("prepare \(name)") }
        if behaviour == .failsToPrepare { throw Failure() }
        stop.wait(seconds: preparing)
    }

    func run(until stop: StopSignal) throws {
        switch behaviour {
        case .failsWhileRunning: Thread.sleep(forTimeInterval: 0.05); throw Failure()
        case .ignoresStop: stop.wait(); Thread.sleep(forTimeInterval: 2)
        default: stop.wait()
        }
        journal.withLock { $0.append("stop \(name)") }
    }
}

final class WorkerGroupTests: XCTestCase {
    private let logger = Logger(label: "test", minimumLevel: .error)
    private let journal = Locked<[String]>([])
    private let failure = Locked<(any Error)?>(nil)

    /// `worker` on a thread of its own whose failure lands in `failure`.
    private func start(_ worker: any Worker) throws -> WorkerThread {
        let thread = WorkerThread(worker) { [failure] error in failure.withLock { $0 = error } }
        try thread.start()
        return thread
    }

    private func workers(_ names: String...) -> [any Worker] { names.map { FakeWorker(name: $0, journal: journal) } }

    func testStartsInOrderAndStopsInReverse() throws {
        let group = WorkerGroup("all", workers("pool", "relay", "server"), logger: logger)
        let running = try start(group)
        XCTAssertTrue(group.isStarted)
        XCTAssertEqual(journal.current, ["prepare pool", "prepare relay", "prepare server"])
        XCTAssertTrue(running.stop(within: 5))
        XCTAssertEqual(journal.current.suffix(3), ["stop server", "stop relay", "stop pool"])
        XCTAssertFalse(group.isStarted, "a stopped group is not started")
        XCTAssertNil(failure.current)
    }

    /// Operators see a process's threads by name (`top -H`, `/proc/<pid>/task/*/comm`).
    func testAWorkersThreadCarriesItsNameAsTheSystemSeesIt() throws {
        let seen = Locked<String?>(nil)
        let thread = WorkerThread(AnyWorker("outbox-relay", run: { _ in
            seen.withLock { $0 = try? String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8) }
        }))
        try thread.start()
        XCTAssertTrue(thread.join(within: 5))
        XCTAssertEqual(seen.current?.trimmingCharacters(in: .newlines), "outbox-relay")
    }

    func testAWorkerThatCannotStartStopsThoseStartedBeforeItAndNoneAfterIt() {
        var members = workers("pool", "relay")
        members.append(FakeWorker(name: "server", journal: journal, behaviour: .failsToPrepare))
        members += workers("never")
        let group = WorkerGroup("all", members, logger: logger)
        XCTAssertThrowsError(try WorkerThread.start(group)) { error in
            XCTAssertEqual((error as? WorkerFailure)?.worker, "server")
        }
        XCTAssertEqual(journal.current, ["prepare pool", "prepare relay", "prepare server", "stop relay", "stop pool"])
        XCTAssertFalse(group.isStarted)
    }

    func testAWorkerThatFailsWhileRunningStopsTheOthersAndTheProcessExitsWithOne() {
        var members = workers("pool", "relay")
        members.append(FakeWorker(name: "consumer", journal: journal, behaviour: .failsWhileRunning))
        let group = WorkerGroup("all", members, logger: logger)
        XCTAssertEqual(group.run(until: StopSignal(), shutdownBound: 5), 1)
        XCTAssertEqual(journal.current.suffix(2), ["stop relay", "stop pool"])
    }

    func testAFailureInANestedGroupStopsTheWholeTreeAndNamesTheWorker() throws {
        var inner = workers("relay")
        inner.append(FakeWorker(name: "consumer", journal: journal, behaviour: .failsWhileRunning))
        let group = WorkerGroup("all", workers("pool") + [WorkerGroup("workers", inner, logger: logger)] + workers("server"),
                                logger: logger)
        let running = try start(group)
        XCTAssertTrue(eventually(within: 5) { !running.isRunning })
        XCTAssertEqual((failure.current as? WorkerFailure)?.worker, "consumer")
        // The failing worker's own group stops first, then the group above it, in reverse.
        XCTAssertEqual(journal.current.suffix(3), ["stop relay", "stop server", "stop pool"])
    }

    func testASignalStopsTheGroupInReverseWithinTheBoundAndExitsWithZero() {
        let stop = StopSignal()
        let group = WorkerGroup("all", workers("pool", "producer", "server"), logger: logger)
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.2) { stop.stop() }
        XCTAssertEqual(group.run(until: stop, shutdownBound: 5), 0)
        XCTAssertEqual(journal.current.suffix(3), ["stop server", "stop producer", "stop pool"])
    }

    func testAShutdownThatExceedsItsBoundExitsWithOneInTime() {
        let stop = StopSignal()
        let stuck = FakeWorker(name: "stuck", journal: journal, behaviour: .ignoresStop)
        let group = WorkerGroup("all", workers("pool") + [stuck], logger: logger)
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.1) { stop.stop() }
        let started = Date()
        XCTAssertEqual(group.run(until: stop, shutdownBound: 0.3), 1)
        XCTAssertLessThan(Date().timeIntervalSince(started), 1.5, "the bound, not the stuck worker, decides")
        XCTAssertFalse(journal.current.contains("stop pool"), "the pool waits behind the stuck worker")
    }

    func testAStopDuringStartUpEndsTheWaitAndStartsNothingMore() {
        let stop = StopSignal()
        let slow = FakeWorker(name: "migrations", journal: journal, preparing: 30)
        let group = WorkerGroup("all", workers("pool") + [slow] + workers("relay"), logger: logger)
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.2) { stop.stop() }
        let started = Date()
        XCTAssertEqual(group.run(until: stop, shutdownBound: 5), 0)
        XCTAssertLessThan(Date().timeIntervalSince(started), 3)
        XCTAssertFalse(journal.current.contains("prepare relay"))
        XCTAssertEqual(journal.current.suffix(2), ["stop migrations", "stop pool"])
    }

    func testInTheBackgroundTheNextWorkersStartWithoutWaitingAndStopFirst() throws {
        let slow = WorkerGroup("workers", [FakeWorker(name: "migrations", journal: journal, preparing: 0.3)] + workers("relay"),
                               logger: logger)
        let group = WorkerGroup("all", workers("pool") + [AnyWorker.inBackground(slow)] + workers("server"), logger: logger)
        let running = try WorkerThread.start(group)
        XCTAssertTrue(journal.current.contains("prepare server"))
        XCTAssertFalse(slow.isStarted, "still preparing")
        XCTAssertTrue(eventually(within: 5) { slow.isStarted })
        running.stop()
        XCTAssertEqual(journal.current.suffix(4), ["stop server", "stop relay", "stop migrations", "stop pool"])
    }

    func testTogetherAsksEveryMemberBeforeWaitingForAny() throws {
        let slow = (1...3).map { AnyWorker("member \($0)", run: { stop in stop.wait(); Thread.sleep(forTimeInterval: 0.3) }) }
        let running = try WorkerThread.start(WorkerGroup("consumers", slow, stoppingTogether: true, logger: logger))
        let started = Date()
        running.stop()
        XCTAssertLessThan(Date().timeIntervalSince(started), 0.8, "three members of 0.3 s each stopped at the same time")
    }

    func testClosingClosesWhenStopped() throws {
        let closed = Locked(false)
        let running = try WorkerThread.start(AnyWorker.closing("pool") { closed.withLock { $0 = true } })
        XCTAssertFalse(closed.current)
        running.stop()
        XCTAssertTrue(closed.current)
    }
}

final class StopSignalTests: XCTestCase {
    func testAWaitEndsAtOnceWhenStopped() {
        let signal = StopSignal()
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.1) { signal.stop() }
        let started = Date()
        XCTAssertTrue(signal.wait(seconds: 10))
        XCTAssertLessThan(Date().timeIntervalSince(started), 2)
        XCTAssertTrue(signal.wait(seconds: 10), "stopped stays stopped")
    }

    func testWakeUpsEndOneWaitAndCountAsOne() {
        let signal = StopSignal()
        signal.wake()
        signal.wake()
        XCTAssertFalse(signal.wait(seconds: 10), "woken, not stopped")
        let started = Date()
        XCTAssertFalse(signal.wait(seconds: 0.1))
        XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(started), 0.09, "the second wake-up was merged into the first")
    }

    func testRetryUntilItWorksOrIsToldToGiveUp() throws {
        let signal = StopSignal()
        var attempts = 0
        var pauses: [Double] = []
        let value = signal.retry({ () throws -> Int in
            attempts += 1
            if attempts < 3 { throw FakeWorker.Failure() }
            return attempts
        }, failed: { _, pause in pauses.append(pause) })
        XCTAssertEqual(value, 3)
        XCTAssertEqual(pauses, [0.5, 1])
        XCTAssertThrowsError(try signal.retry({ throw FakeWorker.Failure() }, failed: { error, _ in throw error }))
        signal.stop()
        XCTAssertNil(signal.retry({ throw FakeWorker.Failure() }, failed: { _, _ in }), "stopped: no more attempts")
    }

    func testAWorkerThreadThatDoesNotStopInTimeSaysSo() throws {
        let running = try WorkerThread.start(AnyWorker("stuck", run: { _ in Thread.sleep(forTimeInterval: 1) }))
        XCTAssertFalse(running.stop(within: 0.1))
        XCTAssertTrue(running.join(within: 5))
    }
}
