/// Limits and timeouts of the HTTP server; every default is stated where it is declared.
public struct HTTPServerConfiguration: Sendable {
    /// Address to listen on (an IPv4 or IPv6 literal, or "localhost"). Default 0.0.0.0.
    public var host: String = "0.0.0.0"
    /// 0 picks a free port (tests read it from `HTTPServer.boundPort`).
    public var port: Int
    /// Longest request line; longer is answered 414. Default 8 KiB.
    public var maxRequestLineBytes = 8192
    /// Largest header block (all fields after the request line), and the largest trailer fields
    /// of a chunked body; larger is 431. Default 16 KiB.
    public var maxHeaderBytes = 16_384
    /// Most header fields in one request; more is 431. Default 100.
    public var maxHeaderCount = 100
    /// Largest body; a larger Content-Length is answered 413 at once, unread. Default 1 MiB.
    /// A route's `BodyPolicy` may replace it.
    public var maxBodyBytes = 1_048_576
    /// Connections open at once. At the limit, the oldest connection that has not sent a byte
    /// yet is closed to make room; when every connection has spoken, the next one is
    /// answered 503 and closed. Default 512.
    public var maxConnections = 512
    /// Seconds for one whole request (line, headers, body) once its first byte arrived;
    /// slower is answered 408. Also bounds the wait for a new connection's first request; a
    /// route's `BodyPolicy.bodyTimeout` may give its bodies longer. Default 10.
    public var readTimeout: Double = 10
    /// Seconds a keep-alive connection may wait for its next request before it is closed. Default 30.
    public var idleTimeout: Double = 30
    /// Seconds a response may wait for a client that does not read it. Default 10.
    public var writeTimeout: Double = 10
    /// Seconds requests in flight may take to finish once the server stops. Default 5.
    public var gracePeriod: Double = 5
    /// Requests served on one connection before it is closed. Default 10 000.
    public var maxRequestsPerConnection = 10_000
    /// Stack of each connection thread. Handlers run on it, so it must hold their deepest
    /// call chain; JSON nesting is bounded before decoding for the same reason. Default 512 KiB.
    public var threadStackBytes = 512 * 1024

    public init(port: Int) {
        self.port = port
    }

    var headLimits: RequestHeadLimits {
        RequestHeadLimits(maxRequestLineBytes: maxRequestLineBytes, maxHeaderBytes: maxHeaderBytes, maxHeaderCount: maxHeaderCount)
    }
}
