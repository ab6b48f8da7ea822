/// Where a client connects and the bounds it keeps. The defaults suit calls between the
/// services of one installation, the load generator and the tests.
public struct HTTPClientConfiguration: Sendable {
    /// A host name (resolved at each connect) or an IPv4/IPv6 address.
    public var host: String
    public var port: Int
    /// Seconds to establish the TCP connection.
    public var connectTimeout: Double = 5
    /// Seconds to wait for the next bytes of an answer, and for a write the server does not take.
    public var readTimeout: Double
    /// The largest response head (status line and header fields) accepted, and the largest
    /// trailer fields of a chunked body.
    public var maxHeaderBytes = 64 << 10
    /// The largest response body accepted.
    public var maxBodyBytes = 64 << 20

    public init(host: String = "127.0.0.1", port: Int, readTimeout: Double = 30) {
        self.host = host; self.port = port; self.readTimeout = readTimeout
    }
}

/// Why an exchange failed. After `closed` (the connection ended before any byte of the answer)
/// a request may be sent again on a new connection; the others say what the server did.
public enum HTTPClientError: Error, Equatable, CustomStringConvertible {
    case cannotConnect(host: String, port: Int, reason: String)
    case timedOut(seconds: Double)
    case closed
    case malformedResponse(String)
    case tooLarge(String)

    public var description: String {
        switch self {
        case .cannotConnect(let host, let port, let reason):
            "cannot connect to \(host):\(port): \(reason); is the server running and listening there?"
        case .timedOut(let seconds): "no answer within \(seconds) s; the server is overloaded or stuck"
        case .closed: "the server closed or reset the connection before answering"
        case .malformedResponse(let what): "the answer is not valid HTTP/1.1: \(what)"
        case .tooLarge(let what): "the answer exceeds the client's limit: \(what)"
        }
    }
}
