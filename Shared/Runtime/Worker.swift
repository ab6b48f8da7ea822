/// A long-running part of a process (the outbox relay, a consumer, a scheduled job, the HTTP
/// server) that blocks; its thread, stop request and join are `WorkerThread`'s, never its own.
public protocol Worker: Sendable {
    /// Names the worker in logs ("stopping") and its thread.
    var name: String { get }
    /// What must hold before the next worker of a group starts (a bound port, applied
    /// migrations), on the starting thread; a pause in it ends when `stop` is raised.
    /// Throwing means the worker cannot run: the workers started before it are stopped.
    func prepare(until stop: StopSignal) throws
    /// The work, on a thread of its own, until `stop` is raised; then it finishes what is under
    /// way (a batch, a request) and returns. Throwing stops its group.
    func run(until stop: StopSignal) throws
}

extension Worker {
    public func prepare(until stop: StopSignal) throws {}
}

/// A worker made of closures, for work too small for a type of its own.
public struct AnyWorker: Worker {
    public let name: String
    private let prepare: @Sendable (StopSignal) throws -> Void
    private let run: @Sendable (StopSignal) throws -> Void

    public init(_ name: String, prepare: @escaping @Sendable (StopSignal) throws -> Void = { _ in },
                run: @escaping @Sendable (StopSignal) throws -> Void = { _ in }) {
        self.name = name; self.prepare = prepare; self.run = run
    }

    public func prepare(until stop: StopSignal) throws { try prepare(stop) }
    public func run(until stop: StopSignal) throws { try run(stop) }

    /// A resource closed when its group stops (first in a group, it is closed last).
    public static func closing(_ name: String, _ close: @escaping @Sendable () -> Void) -> AnyWorker {
        AnyWorker(name, run: { stop in stop.wait(); close() })
    }

    /// `worker`, prepared on its own thread: the workers after it in a group start at once
    /// (a service's HTTP server answers /healthz while its migrations wait for the database).
    public static func inBackground(_ worker: any Worker) -> AnyWorker {
        AnyWorker(worker.name, run: { stop in
            try worker.prepare(until: stop)
            try worker.run(until: stop)
        })
    }
}
