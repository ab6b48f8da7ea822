import Foundation

/// One worker on a thread of its own, with its stop signal and a bounded wait for its end:
/// the one place where a worker's thread starts (for a group's members, or a single worker).
public final class WorkerThread: @unchecked Sendable {
    public let worker: any Worker
    /// Raised to ask the worker to stop.
    public let signal: StopSignal
    private let ended = DispatchGroup()
    private let onFailure: @Sendable (any Error) -> Void

    /// `onFailure` hears what `run` threw, on the worker's thread.
    public init(_ worker: any Worker, signal: StopSignal = StopSignal(), onFailure: @escaping @Sendable (any Error) -> Void = { _ in }) {
        self.worker = worker; self.signal = signal; self.onFailure = onFailure
    }

    /// Prepares the worker on the calling thread, its pauses ended by `interrupt` (by default
    /// its own signal), then runs it on a new thread.
    public func start(preparingUntil interrupt: StopSignal? = nil) throws {
        try worker.prepare(until: interrupt ?? signal)
        ended.enter()
        let thread = Thread { [self] in
            // Named from inside: on Linux a name given before start() never reaches the thread.
            Thread.current.name = worker.name
            do { try worker.run(until: signal) } catch { onFailure(error) }
            ended.leave()
        }
        thread.start()
    }

    /// `worker` started on a thread of its own, outside any group.
    public static func start(_ worker: any Worker) throws -> WorkerThread {
        let thread = WorkerThread(worker)
        try thread.start()
        return thread
    }

    /// Started, and `run` has not returned yet.
    public var isRunning: Bool { ended.wait(timeout: .now()) == .timedOut }

    /// Asks the worker to stop and waits for it; true when it ended within `seconds`.
    @discardableResult
    public func stop(within seconds: Double = .infinity) -> Bool {
        signal.stop()
        return join(within: seconds)
    }

    /// Waits for the end of `run`; true when it ended within `seconds`.
    public func join(within seconds: Double = .infinity) -> Bool {
        ended.wait(timeout: seconds.isFinite ? .now() + max(0, seconds) : .distantFuture) == .success
    }
}
