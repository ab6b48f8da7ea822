import Foundation
import Glibc
import IASRuntime

/// A blocking HTTP/1.1 server: one thread accepts, one thread per connection serves, up to
/// `maxConnections`; every read is bounded by poll(2), so slow or idle clients only ever
/// hold their own thread. Handlers are synchronous and may block (database calls).
/// Preparing binds the port, so that a port in use stops the start at once.
public final class HTTPServer: Worker, @unchecked Sendable {
    public let name = "http server"
    private let context: ServerContext
    private let listening = Locked<(listener: Int32, port: Int)>((-1, 0))

    /// Serves the routes of `router` (frozen here: none can be added afterwards) through
    /// `middleware`, the first outermost; by default `standardMiddleware` with `errorMapper`.
    public init(configuration: HTTPServerConfiguration, router: Router, logger: Logger, metrics: MetricsRegistry,
                errorMapper: (@Sendable (Error) -> Problem?)? = nil, middleware: [any Middleware<HTTPRequest>]? = nil) {
        context = ServerContext(configuration: configuration, routes: router.freeze(), logger: logger, metrics: metrics,
                                middleware: middleware ?? Self.standardMiddleware(metrics: metrics, errorMapper: errorMapper),
                                registry: ConnectionRegistry(limit: max(1, configuration.maxConnections)))
        Self.registerGauges(of: context.routes.uploadSlots, in: metrics)
    }

    /// Slots in use and their capacity, by set of slots; refusals are counted as they happen
    /// (`http_upload_slots_refused_total`).
    private static func registerGauges(of slots: [UploadSlots], in metrics: MetricsRegistry) {
        guard !slots.isEmpty else { return }
        metrics.gauge("http_upload_slots_in_use", help: "Upload slots held by requests now, by set of slots.") {
            slots.map { (labels: ["slots": $0.name], value: Double($0.inUse)) }
        }
        metrics.gauge("http_upload_slots_capacity", help: "Upload slots there are, by set of slots.") {
            slots.map { (labels: ["slots": $0.name], value: Double($0.capacity)) }
        }
    }

    /// Every request counted and logged with its final status (`RequestLog`), then whatever a
    /// handler throws turned into problem+json (`ProblemResponses`): `errorMapper` maps errors
    /// other than `Problem` (an unavailable database into 503); the rest become a logged 500.
    public static func standardMiddleware(metrics: MetricsRegistry, errorMapper: (@Sendable (Error) -> Problem?)? = nil) -> [any Middleware<HTTPRequest>] {
        [RequestLog(metrics: metrics), ProblemResponses(mapper: errorMapper)]
    }

    /// The port actually bound (the chosen one when configured with port 0); 0 before start.
    public var boundPort: Int { listening.current.port }

    public var openConnections: Int { context.registry.count }

    /// Binds and listens; throws when the address cannot be used or the server was started.
    public func prepare(until stop: StopSignal) throws {
        guard listening.current.listener < 0 else { throw HTTPServerError(description: "the HTTP server was already started") }
        // Writing to a closed connection must fail with EPIPE, not end the process.
        signal(SIGPIPE, SIG_IGN)
        let configuration = context.configuration
        let (listener, port) = try Listener.open(host: configuration.host, port: configuration.port)
        listening.withLock { $0 = (listener, port) }
        context.logger.info("listening", ["host": configuration.host, "port": String(port)])
    }

    /// Accepts until stopped; then closes idle keep-alive connections, lets requests in flight
    /// finish for up to the grace period, and cuts whatever is left.
    public func run(until stop: StopSignal) {
        let listener = listening.current.listener
        acceptLoop(listener: listener, until: stop)
        let deadline = MonotonicClock.now() + max(0, context.configuration.gracePeriod)
        context.registry.beginStopping()
        close(listener)
        while context.registry.count > 0, MonotonicClock.now() < deadline { usleep(5_000) }
        let remaining = context.registry.count
        if remaining > 0 {
            context.logger.warning("grace period over; closing connections still busy", ["connections": String(remaining)])
            context.registry.shutDownAll()
        }
        context.logger.info("stopped listening", ["port": String(listening.current.port)])
    }

    // MARK: Accepting

    /// Waits for connections in slices of 100 ms, so that a stop is seen within one slice.
    private func acceptLoop(listener: Int32, until stop: StopSignal) {
        var fds = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
        var lastRejectionLog = 0.0
        while !stop.isStopped {
            fds.revents = 0
            let ready = poll(&fds, 1, 100)
            if ready < 0 {
                if errno == EINTR { continue }
                context.logger.error("accept loop failed", ["error": String(cString: strerror(errno))])
                return
            }
            guard ready > 0 else { continue }
            let client = accept(listener, nil, nil)
            guard client >= 0 else {
                let code = errno
                if code == EINTR || code == EAGAIN || code == EWOULDBLOCK || code == ECONNABORTED || code == EPROTO { continue }
                // Out of descriptors or memory: back off instead of spinning on the same error.
                context.logger.error("accept failed", ["error": String(cString: strerror(code))])
                stop.wait(seconds: 0.05)
                continue
            }
            // Accepted sockets are blocking (the flag is not inherited); every wait uses poll.
            _ = fcntl(client, F_SETFD, FD_CLOEXEC)
            var on: Int32 = 1
            setsockopt(client, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
            guard let admission = context.registry.admit(fd: client) else {
                refuse(client)
                let now = MonotonicClock.now()
                if now - lastRejectionLog >= 1 {
                    lastRejectionLog = now
                    context.logger.warning("connection limit reached; refusing connections",
                                           ["maxConnections": String(context.configuration.maxConnections)])
                }
                continue
            }
            if admission.evicted {
                context.metrics.increment("http_connections_evicted_total",
                                          help: "Connections closed before their first byte to make room at maxConnections.")
            }
            let connection = Connection(fd: client, id: admission.id, context: context)
            let thread = Thread { connection.run() }
            thread.stackSize = context.configuration.threadStackBytes
            thread.start()
        }
    }

    /// Answers 503 on the accept thread without ever blocking it: the response fits an
    /// empty send buffer, and input already received is discarded first so that closing
    /// does not reset the connection before the client reads the answer.
    private func refuse(_ fd: Int32) {
        context.metrics.increment("http_connections_rejected_total", help: "Connections refused because maxConnections were open.")
        let requestId = RequestID.resolve(nil)
        let problem = Problem.unavailable("The server is at its connection limit; retry shortly.", retryAfterSeconds: 1)
        let bytes = ResponseSerializer.serialize(problem.response(requestId: requestId), requestId: requestId, close: true,
                                                 announceKeepAlive: false, omitBody: false)
        var scratch = [UInt8](repeating: 0, count: 4096)
        for _ in 0..<16 {
            let n = scratch.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, $0.count, Int32(MSG_DONTWAIT)) }
            if n <= 0 { break }
        }
        _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress!, $0.count, Int32(MSG_NOSIGNAL) | Int32(MSG_DONTWAIT)) }
        shutdown(fd, Int32(SHUT_WR))
        close(fd)
    }
}
