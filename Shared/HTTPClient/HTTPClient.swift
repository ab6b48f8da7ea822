import Glibc
import IASHTTP
import IASRuntime

/// One HTTP/1.1 connection to a server: blocking, kept alive between requests and opened again
/// when the server has closed it; every wait bounded by the configuration's timeouts and every
/// answer by its limits. Used by one thread at a time (a pool is a set of clients).
///
/// `request` and `json` are the well-behaved path. `send(raw:)`, `readResponse` and
/// `waitForClose` put any bytes on the same connection and report what comes back, for the
/// tests of hostile input, which a convenience client would refuse to produce.
public final class HTTPClient: @unchecked Sendable {
    public let configuration: HTTPClientConfiguration
    private var fd: Int32 = -1
    private var input: SocketInput?
    /// The last answer said the server closes the connection: the next request opens a new one.
    /// (The socket stays open until then, so that `waitForClose` sees the server's own close.)
    private var closing = false

    public init(_ configuration: HTTPClientConfiguration) {
        self.configuration = configuration
    }

    public convenience init(port: Int, host: String = "127.0.0.1", readTimeout: Double = 30) {
        self.init(HTTPClientConfiguration(host: host, port: port, readTimeout: readTimeout))
    }

    deinit { close() }

    // MARK: Requests

    /// Sends one request and reads its final answer (interim 1xx answers are passed over).
    /// A kept-alive connection the server closed in the meantime is opened again once.
    public func request(_ method: String, _ path: String, headers: [(String, String)] = [], body: [UInt8]? = nil) throws -> HTTPClientResponse {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: \(configuration.host):\(configuration.port)\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        // Servers may insist on a length for these methods, even when the body is empty.
        if body != nil || ["POST", "PUT", "PATCH"].contains(method) { head += "Content-Length: \(body?.count ?? 0)\r\n" }
        let bytes = Array((head + "\r\n").utf8) + (body ?? [])
        if closing { close() }
        let reused = fd >= 0
        do {
            return try exchange(bytes, bodyless: method == "HEAD")
        } catch HTTPClientError.closed where reused {
            close()
            return try exchange(bytes, bodyless: method == "HEAD")
        }
    }

    /// A request with a JSON body (when given) and a bearer token (when given).
    public func json(_ method: String, _ path: String, token: String? = nil, body: JSONValue? = nil,
                     headers: [(String, String)] = []) throws -> HTTPClientResponse {
        try json(method, path, token: token, bytes: body.map { try JSONCoding.encode($0) }, headers: headers)
    }

    /// A request whose JSON body is `body` encoded.
    public func json<Body: Encodable>(_ method: String, _ path: String, token: String? = nil, body: Body,
                                      headers: [(String, String)] = []) throws -> HTTPClientResponse {
        try json(method, path, token: token, bytes: try JSONCoding.encode(body), headers: headers)
    }

    private func json(_ method: String, _ path: String, token: String?, bytes: [UInt8]?, headers: [(String, String)]) throws -> HTTPClientResponse {
        var fields = headers
        if let token { fields.append(("Authorization", "Bearer \(token)")) }
        if bytes != nil { fields.append(("Content-Type", "application/json")) }
        return try request(method, path, headers: fields, body: bytes)
    }

    private func exchange(_ bytes: [UInt8], bodyless: Bool) throws -> HTTPClientResponse {
        do {
            try send(raw: bytes)
            var response: HTTPClientResponse
            repeat { response = try readResponse(bodyless: bodyless) } while (100..<200).contains(response.status)
            return response
        } catch {
            close()
            throw error
        }
    }

    // MARK: Raw bytes

    /// Opens the connection unless it is open.
    public func connect() throws {
        guard fd < 0 else { return }
        fd = try TCPConnect.open(host: configuration.host, port: configuration.port, timeout: configuration.connectTimeout)
        input = SocketInput(fd: fd)
    }

    /// Writes `bytes` as they are, connecting first if needed; `closed` when the server no longer takes them.
    public func send(raw bytes: [UInt8]) throws {
        try connect()
        guard SocketOutput.sendAll(fd, bytes, timeout: configuration.readTimeout) else { throw HTTPClientError.closed }
    }

    public func send(raw text: String) throws { try send(raw: Array(text.utf8)) }

    /// Reads the next answer on the connection, interim (1xx) ones included. `bodyless` for
    /// the answer to a HEAD request; `timeout` replaces the configured read timeout.
    public func readResponse(bodyless: Bool = false, timeout: Double? = nil) throws -> HTTPClientResponse {
        try connect()
        let reader = ResponseReader(input: input!, limits: configuration, wait: timeout ?? configuration.readTimeout)
        let (response, closes) = try reader.read(bodyless: bodyless)
        closing = closes
        return response
    }

    /// True when the server closes (or resets) the connection within `timeout` seconds;
    /// whatever it sends before is read and dropped.
    public func waitForClose(timeout: Double) -> Bool {
        guard let input else { return true }
        let deadline = MonotonicClock.now() + timeout
        while true {
            do {
                try input.fill(deadline: deadline)
                input.consume(input.count)
            } catch SocketInput.Failure.timedOut {
                return false
            } catch {
                return true
            }
        }
    }

    /// Ends the sending direction (a FIN) and keeps reading possible.
    public func shutdownWriting() {
        if fd >= 0 { shutdown(fd, Int32(SHUT_WR)) }
    }

    public func close() {
        if fd >= 0 { Glibc.close(fd) }
        fd = -1
        input = nil
        closing = false
    }
}
