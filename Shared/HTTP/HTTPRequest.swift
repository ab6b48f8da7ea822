import IASRuntime

/// One request as a handler sees it: decoded path and query, headers, the whole body.
public struct HTTPRequest: Sendable {
    public let method: String
    /// Percent-decoded path without the query.
    public let path: String
    /// Percent-decoded query parameters ('+' as space); the first of repeated names wins.
    public let query: [String: String]
    public let headers: HTTPHeaders
    public let body: [UInt8]
    /// Values of the route's `{name}` segments.
    public internal(set) var pathParameters: [String: String]
    /// The pattern (or name) of the route serving the request, "unmatched" when none does:
    /// the label of metrics and logs, never the path itself.
    public internal(set) var route: String
    /// When the request's first byte was read (monotonic seconds), for its duration.
    public let startedAt: Double
    /// The caller's X-Request-Id when acceptable, else a new UUID; echoed in the response.
    public let requestId: String
    /// The server's logger with this request's id on every line.
    public let logger: Logger

    /// For tests of handlers.
    public init(method: String, path: String, query: [String: String] = [:], headers: HTTPHeaders = HTTPHeaders(),
                body: [UInt8] = [], requestId: String = "test", logger: Logger = Logger(label: "test"),
                pathParameters: [String: String] = [:], route: String = "unmatched", startedAt: Double? = nil) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.requestId = requestId
        self.logger = logger
        self.pathParameters = pathParameters
        self.route = route
        self.startedAt = startedAt ?? MonotonicClock.now()
    }

    public func header(_ name: String) -> String? { headers[name] }

    /// The value of the route's `{name}` segment; a route without it is a programming error
    /// that still must not crash, so it answers 404.
    public func parameter(_ name: String) throws -> String {
        guard let value = pathParameters[name] else {
            throw Problem.notFound("The path has no parameter '\(name)'.")
        }
        return value
    }

    /// Decodes the JSON body. Problems name the JSON path of the offending field:
    /// 415 when a body is not declared as JSON, 400 (invalid-json) when it is empty, not
    /// UTF-8, not JSON or nested deeper than 32, 400 (validation) when a required field is
    /// missing, a value has the wrong type, a string holds NUL or an unpaired surrogate, or
    /// a number is beyond the range of a Double.
    public func decode<T: Decodable>(_ type: T.Type) throws -> T {
        if !body.isEmpty { try JSONBodyDecoder.checkContentType(headers["Content-Type"]) }
        return try JSONBodyDecoder.decode(type, from: body)
    }
}
