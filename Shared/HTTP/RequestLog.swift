import IASRuntime

/// Counts and logs every answered request: `http_requests_total` and
/// `http_request_duration_seconds` by method, route pattern and status, and one log line.
/// Only the method, route pattern and status are recorded: the path, query and body can hold
/// personal data. Outermost, so that it sees the final status of every answer.
public struct RequestLog: HTTPMiddleware {
    private static let knownMethods: Set<String> = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
    let metrics: MetricsRegistry

    public init(metrics: MetricsRegistry) { self.metrics = metrics }

    public func respond(to request: HTTPRequest, next: (HTTPRequest) throws -> HTTPResponse) throws -> HTTPResponse {
        let response = try next(request)
        // Recorded before the answer is sent, so that a client that has it also sees it counted.
        record(method: request.method, route: request.route, status: response.status, started: request.startedAt, logger: request.logger)
        return response
    }

    /// Also for requests that could not be read (`method` nil when not even the head was).
    func record(method: String?, route: String, status: Int, started: Double, logger: Logger, reason: String? = nil) {
        let seconds = MonotonicClock.now() - started
        // Methods are client-chosen text; unknown ones share one label to bound cardinality.
        let methodLabel = method.map { Self.knownMethods.contains($0) ? $0 : "other" } ?? "unknown"
        metrics.increment("http_requests_total", help: "HTTP requests answered, by method, route and status.",
                          labels: ["method": methodLabel, "route": route, "status": String(status)])
        metrics.observe("http_request_duration_seconds", help: "Time from the first byte of a request until its response is ready, in seconds.",
                        labels: ["method": methodLabel, "route": route], value: seconds)
        var fields = ["method": methodLabel, "route": route, "status": String(status),
                      "durationMs": String((seconds * 10_000).rounded() / 10)]
        if let reason { fields["reason"] = reason }
        logger.info(reason == nil ? "request" : "request rejected", fields)
    }
}
