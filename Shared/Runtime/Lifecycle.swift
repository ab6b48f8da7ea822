import Foundation

/// Waits for SIGTERM or SIGINT, then runs the registered shutdown steps in reverse order of
/// registration (last started, first stopped) within a bounded time; a process that cannot
/// finish in time exits anyway, because an orchestrator would kill it a moment later.
public final class Lifecycle: @unchecked Sendable {
    private let logger: Logger
    private let steps = Locked<[(name: String, run: @Sendable () -> Void)]>([])
    private let done = DispatchSemaphore(value: 0)
    private var sources: [DispatchSourceSignal] = []
    public let shutdownBound: Double

    public init(logger: Logger, shutdownBoundSeconds: Double) {
        self.logger = logger
        self.shutdownBound = shutdownBoundSeconds
    }

    public func onShutdown(_ name: String, _ run: @escaping @Sendable () -> Void) {
        steps.withLock { $0.append((name, run)) }
    }

    /// Blocks the calling thread until a signal arrived and shutdown finished.
    public func waitForSignal() {
        let received = DispatchSemaphore(value: 0)
        for sig in [SIGTERM, SIGINT] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { received.signal() }
            source.resume()
            sources.append(source)
        }
        received.wait()
        shutdown()
    }

    public func shutdown() {
        logger.info("shutting down", ["boundSeconds": String(shutdownBound)])
        let all = steps.withLock { s -> [(name: String, run: @Sendable () -> Void)] in
            let copy = s; s.removeAll(); return copy
        }
        let finished = DispatchSemaphore(value: 0)
        let logger = self.logger
        Thread.detachNewThread {
            for step in all.reversed() {
                logger.info("stopping", ["component": step.name])
                step.run()
            }
            finished.signal()
        }
        if finished.wait(timeout: .now() + shutdownBound) == .timedOut {
            logger.error("shutdown did not finish within its bound; exiting anyway", ["boundSeconds": String(shutdownBound)])
            exit(1)
        }
        logger.info("stopped")
    }
}
