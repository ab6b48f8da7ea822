import Glibc
import IASRuntime

/// What every connection thread shares with the server.
struct ServerContext: Sendable {
    let configuration: HTTPServerConfiguration
    let routes: RouteTable
    let logger: Logger
    let metrics: MetricsRegistry
    /// Around every request that was read, the first outermost.
    let middleware: [any Middleware<HTTPRequest>]
    let registry: ConnectionRegistry

    /// Requests that could not be read are counted and logged like the others.
    var requestLog: RequestLog { RequestLog(metrics: metrics) }
}

/// One client connection, served on its own thread: read a request, run its handler, write
/// the response, repeat while keep-alive allows. Any framing or parse error is answered
/// and ends the connection, because the position of the next request is then unknown.
final class Connection: @unchecked Sendable {
    private enum Outcome {
        case keepOpen
        /// The request was read completely; nothing is left to drain.
        case close
        /// Input may be left unread (an error was answered before the body was read).
        case closeAfterDraining
        /// The peer is gone or stopped reading.
        case drop
    }

    private let fd: Int32
    private let id: Int
    private let context: ServerContext
    private let input: SocketInput
    private var configuration: HTTPServerConfiguration { context.configuration }

    init(fd: Int32, id: Int, context: ServerContext) {
        self.fd = fd
        self.id = id
        self.context = context
        self.input = SocketInput(fd: fd)
    }

    func run() {
        defer {
            context.registry.remove(id)
            close(fd)
        }
        var served = 0
        // A new connection gets readTimeout for its first request, so that connections that
        // never send anything cannot hold threads for the longer idle timeout.
        var waitDeadline = MonotonicClock.now() + configuration.readTimeout
        while true {
            guard context.registry.setIdle(id, true), awaitRequest(deadline: waitDeadline),
                  context.registry.setIdle(id, false) else { return }
            served += 1
            switch serveRequest(isLast: served >= configuration.maxRequestsPerConnection) {
            case .keepOpen:
                waitDeadline = MonotonicClock.now() + configuration.idleTimeout
            case .close:
                shutdown(fd, Int32(SHUT_WR))
                return
            case .closeAfterDraining:
                SocketOutput.lingeringClose(fd)
                return
            case .drop:
                return
            }
        }
    }

    /// Waits for the first byte of the next request; false when the wait ends without one.
    private func awaitRequest(deadline: Double) -> Bool {
        while true {
            // Empty lines before a request line are ignored (RFC 9112 §2.2).
            let blank = input.withUnread { $0.prefix(while: { $0 == ASCII.cr || $0 == ASCII.lf }).count }
            input.consume(blank)
            if input.count > 0 { return true }
            do { try input.fill(deadline: deadline) } catch { return false }
        }
    }

    // MARK: One request

    private func serveRequest(isLast: Bool) -> Outcome {
        let started = MonotonicClock.now()
        var deadline = started + configuration.readTimeout
        let head: RequestHead
        do {
            head = try readHead(deadline: deadline)
        } catch {
            return reject(error, method: nil, requestId: RequestID.resolve(nil), started: started, deadline: deadline)
        }
        let requestId = RequestID.resolve(head.headers["X-Request-Id"])
        let request: HTTPRequest
        let match: Router.Match
        var route = "unmatched"
        // Held from before the body is read until the response is written, or given up on
        // every other way out of this request.
        var slot: UploadSlots?
        defer { slot?.release() }
        do {
            let target = try RequestTarget.parse(head.target)
            // Resolved once: its body policy applies before the body is read, its handler after.
            match = context.routes.match(method: head.method, segments: target.segments)
            var policy = BodyPolicy.standard
            if case .found(_, let pattern, _, let own) = match { (route, policy) = (pattern, own) }
            let maxBodyBytes = policy.maxBytes ?? configuration.maxBodyBytes
            let framing = try BodyFraming(head: head, maxBodyBytes: maxBodyBytes)
            if let admit = policy.admit, let refusal = admit(head.headers) { throw refusal }
            if let slots = policy.slots {
                guard slots.acquire() else {
                    context.metrics.increment("http_upload_slots_refused_total",
                                              help: "Requests answered 503 because no upload slot became free in time.",
                                              labels: ["slots": slots.name])
                    throw slots.busyProblem
                }
                slot = slots
            }
            if let bodyTimeout = policy.bodyTimeout { deadline = max(deadline, MonotonicClock.now() + bodyTimeout) }
            try answerExpectation(head, framing)
            let body = try readBody(framing, maxBodyBytes: maxBodyBytes, deadline: deadline)
            request = HTTPRequest(method: head.method, path: target.path, query: target.query, headers: head.headers,
                                  body: body, requestId: requestId, logger: context.logger.with(["requestId": requestId]),
                                  startedAt: started)
        } catch {
            return reject(error, method: head.method, route: route, requestId: requestId, started: started, deadline: deadline)
        }

        let response = context.routes.respond(to: request, match: match, through: context.middleware)
        let close = isLast || !head.wantsKeepAlive || context.registry.isStopping
            || ASCII.listElements(response.headers.values("Connection")).contains("close")
        // A large body (a document) is sent after the head rather than copied behind it.
        let sendsBodyApart = head.method != "HEAD" && response.body.count > 65_536 && !HTTPStatus.forbidsBody(response.status)
        let bytes = ResponseSerializer.serialize(response, requestId: requestId, close: close,
                                                 announceKeepAlive: !close && head.minorVersion == 0,
                                                 omitBody: head.method == "HEAD" || sendsBodyApart)
        guard SocketOutput.sendAll(fd, bytes, timeout: configuration.writeTimeout),
              !sendsBodyApart || SocketOutput.sendAll(fd, response.body, timeout: configuration.writeTimeout) else { return .drop }
        if !close { return .keepOpen }
        // Pipelined requests after the last one may still be arriving.
        return input.count == 0 ? .close : .closeAfterDraining
    }

    /// Answers a request that could not be read: a Problem as itself, a timeout as 408;
    /// a vanished peer needs no answer. `route` labels the answer once the route is known.
    private func reject(_ error: Error, method: String?, route: String = "unmatched", requestId: String, started: Double,
                        deadline: Double) -> Outcome {
        let problem: Problem
        switch error {
        case let error as Problem:
            problem = error
        case SocketInput.Failure.timedOut:
            let seconds = ((deadline - started) * 10).rounded() / 10
            problem = Problem.status(408, "The request did not arrive completely within \(seconds) seconds.")
        default:
            return .drop
        }
        let bytes = ResponseSerializer.serialize(problem.response(requestId: requestId), requestId: requestId, close: true,
                                                 announceKeepAlive: false, omitBody: method == "HEAD")
        context.requestLog.record(method: method, route: route, status: problem.status, started: started,
                                  logger: context.logger.with(["requestId": requestId]), reason: problem.detail)
        return SocketOutput.sendAll(fd, bytes, timeout: configuration.writeTimeout) ? .closeAfterDraining : .drop
    }

    // MARK: Reading

    private func readHead(deadline: Double) throws -> RequestHead {
        var scanner = RequestHeadScanner(limits: configuration.headLimits)
        let limits = configuration.headLimits
        while true {
            if let length = try input.withUnread({ try scanner.scan($0) }) {
                let head = try input.withUnread { try RequestHeadParser.parse(UnsafeBufferPointer(rebasing: $0[0..<length]), limits: limits) }
                input.consume(length)
                return head
            }
            try input.fill(deadline: deadline)
        }
    }

    /// Sends 100 Continue when an HTTP/1.1 client waits for it before sending an accepted
    /// body; HTTP/1.0 has no expectations (RFC 9110 §10.1.1).
    private func answerExpectation(_ head: RequestHead, _ framing: BodyFraming) throws {
        guard head.minorVersion >= 1, let expectation = head.headers["Expect"] else { return }
        guard expectation.trimmingSpaces().lowercased() == "100-continue" else {
            throw Problem.status(417, "The only supported expectation is 100-continue.")
        }
        guard framing != .none, input.count == 0 else { return }
        SocketOutput.sendAll(fd, ResponseSerializer.continueResponse, timeout: configuration.writeTimeout)
    }

    /// `maxBodyBytes`: the route's own limit, else the server's; the head limit bounds the trailers.
    private func readBody(_ framing: BodyFraming, maxBodyBytes: Int, deadline: Double) throws -> [UInt8] {
        switch framing {
        case .none:
            return []
        case .length(let length):
            // Within the limit already.
            return try input.read(exactly: length) { try input.fill(deadline: deadline) }
        case .chunked:
            do {
                return try ChunkedBodyReader(maxBodyBytes: maxBodyBytes, maxTrailerBytes: configuration.maxHeaderBytes)
                    .read(from: input) { try input.fill(deadline: deadline) }
            } catch let failure as ChunkedEncoding.Failure {
                throw failure.problem(maxBodyBytes: maxBodyBytes)
            }
        }
    }
}
