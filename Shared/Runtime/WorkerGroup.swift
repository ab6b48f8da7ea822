import Foundation

/// Workers started in the order given and stopped in reverse, so that each may rely on those
/// before it (the pool outlives the relay, the relay the consumers that wake it). Preparing
/// the group starts the members one after the other (each prepared, then running on a thread
/// of its own, before the next); running it waits for a stop or a failing member, then stops
/// them. A group is a worker, so groups nest: a failure stops the member's group, whose `run`
/// throws it on to the group above, up to the process (`runUntilTerminated`).
public final class WorkerGroup: Worker, @unchecked Sendable {
    private struct State {
        var threads: [WorkerThread] = []
        var started = false
        var failure: WorkerFailure?
        /// What a failure raises: the signal the group is being prepared or run under.
        var signal: StopSignal?
    }

    public let name: String
    private let members: [any Worker]
    private let together: Bool
    private let logger: Logger
    private let whenStarted: @Sendable () -> Void
    private let state = Locked(State())

    /// `stoppingTogether`: all members are asked at once, then all waited for (members that do
    /// not rely on each other and may each take a while, such as consumers leaving their
    /// groups). `whenStarted` runs once every member has started.
    public init(_ name: String, _ members: [any Worker], stoppingTogether together: Bool = false, logger: Logger,
                whenStarted: @escaping @Sendable () -> Void = {}) {
        self.name = name; self.members = members; self.together = together
        self.logger = logger; self.whenStarted = whenStarted
    }

    /// Every member has started, and the group is not stopping.
    public var isStarted: Bool { state.current.started }

    /// Starts the members in order, until `stop` is raised or one cannot start (then those
    /// before it are stopped and its failure thrown).
    public func prepare(until stop: StopSignal) throws {
        watch(stop)
        for member in members where !stop.isStopped && state.current.failure == nil {
            let thread = WorkerThread(member) { [self] error in fail(member, error) }
            do { try thread.start(preparingUntil: stop) } catch { fail(member, error); break }
            state.withLock { $0.threads.append(thread) }
        }
        if let failure = state.current.failure { stopMembers(); throw failure }
        guard !stop.isStopped else { return }
        state.withLock { $0.started = true }
        whenStarted()
    }

    /// Waits until asked to stop or a member failed, then stops the members.
    public func run(until stop: StopSignal) throws {
        watch(stop)
        stop.wait()
        stopMembers()
        if let failure = state.current.failure { throw failure }
    }

    private func watch(_ signal: StopSignal) {
        if state.withLock({ $0.signal = signal; return $0.failure != nil }) { signal.stop() }
    }

    private func fail(_ member: any Worker, _ error: any Error) {
        if !(error is WorkerFailure) {   // logged once, where it happened
            logger.error("worker failed; stopping the others", ["component": member.name, "error": String(describing: error)])
        }
        let failure = error as? WorkerFailure ?? WorkerFailure(worker: member.name, error: error)
        state.withLock { s in
            if s.failure == nil { s.failure = failure }
            return s.signal
        }?.stop()
    }

    private func stopMembers() {
        let threads = state.withLock { s in
            defer { s.threads = []; s.started = false }
            return s.threads.reversed().filter(\.isRunning)
        }
        for thread in threads {
            logger.info("stopping", ["component": thread.worker.name])
            if together { thread.signal.stop() } else { thread.stop() }
        }
        for thread in threads { _ = thread.join() }
    }

    // MARK: The process

    /// The life of a process: starts the group; on SIGTERM or SIGINT, or when a worker fails,
    /// stops it within `shutdownBound` seconds (or exits anyway: an orchestrator would kill it
    /// soon), and exits 0 after a signal, 1 after a failure or a stop out of time.
    public func runUntilTerminated(shutdownBound: Double) -> Never {
        let stop = StopSignal()
        let sources = [SIGTERM, SIGINT].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { stop.stop() }
            source.resume()
            return source
        }
        let status = run(until: stop, shutdownBound: shutdownBound)
        withExtendedLifetime(sources) { exit(status) }
    }

    /// `runUntilTerminated` without the signals and the exit: returns the exit status. The
    /// group starts in the background, so that the bound cuts a start-up short too.
    func run(until stop: StopSignal, shutdownBound: Double) -> Int32 {
        let failure = Locked<(any Error)?>(nil)
        let thread = WorkerThread(AnyWorker.inBackground(self), signal: stop) { error in failure.withLock { $0 = error } }
        try? thread.start()   // nothing to prepare: the group starts on the new thread
        stop.wait()
        logger.info("shutting down", ["boundSeconds": String(shutdownBound)])
        guard thread.join(within: shutdownBound) else {
            logger.error("shutdown did not finish within its bound; exiting anyway", ["boundSeconds": String(shutdownBound)])
            return 1
        }
        guard let failure = failure.current else { logger.info("stopped"); return 0 }
        logger.error("stopped after a failure", ["error": String(describing: failure)])
        return 1
    }
}

/// A worker's failure, as it passes up through the groups the worker belongs to.
public struct WorkerFailure: Error, CustomStringConvertible {
    public let worker: String
    public let error: any Error
    public var description: String { "\(worker): \(error)" }
}
