import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One keep-alive HTTP/1.1 connection to a service on 127.0.0.1, blocking, reconnecting on
/// demand. The load generator keeps one per worker and service, as a department system's
/// connection pool would, so that connection set-up is not what gets measured.
final class HTTPConnection {
    struct Response {
        let status: Int
        let body: [UInt8]
        func json() -> [String: Any]? { try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] }
    }

    enum Failure: Error, CustomStringConvertible {
        case connect(Int), closed, timeout, malformed(String)
        var description: String {
            switch self {
            case .connect(let port): "cannot connect to 127.0.0.1:\(port)"
            case .closed: "connection closed by the server"
            case .timeout: "no answer within the timeout"
            case .malformed(let what): "malformed response: \(what)"
            }
        }
    }

    let port: Int
    private let timeout: Double
    private var fd: Int32 = -1
    private var buffer: [UInt8] = []
    private var chunk = [UInt8](repeating: 0, count: 65_536)

    init(port: Int, timeout: Double = 30) {
        self.port = port; self.timeout = timeout
    }

    deinit { disconnect() }

    func disconnect() {
        if fd >= 0 { close(fd); fd = -1 }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Sends one request and reads its answer; reconnects once if a kept-alive connection was
    /// closed by the server in between.
    func send(_ method: String, _ path: String, token: String?, body: [UInt8]? = nil,
              headers: [(String, String)] = []) throws -> Response {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        if let token { head += "Authorization: Bearer \(token)\r\n" }
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        if let body { head += "Content-Type: application/json\r\nContent-Length: \(body.count)\r\n" }
        head += "\r\n"
        let bytes = Array(head.utf8) + (body ?? [])
        let reused = fd >= 0
        do {
            try ensureConnected()
            try write(bytes)
            return try readResponse()
        } catch Failure.closed where reused {
            disconnect()
            try ensureConnected()
            try write(bytes)
            return try readResponse()
        } catch {
            disconnect()
            throw error
        }
    }

    private func ensureConnected() throws {
        guard fd < 0 else { return }
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure.connect(port) }
        var tv = timeval(tv_sec: Int(timeout), tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else { close(fd); fd = -1; throw Failure.connect(port) }
    }

    private func write(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw Failure.closed }
            offset += n
        }
    }

    private func readResponse() throws -> Response {
        while true {
            if let end = headerEnd() {
                let head = String(decoding: buffer[..<end], as: UTF8.self)
                let lines = head.split(separator: "\r\n", omittingEmptySubsequences: false)
                let statusParts = lines.first?.split(separator: " ") ?? []
                guard statusParts.count >= 2, let status = Int(statusParts[1]) else { throw Failure.malformed(String(head.prefix(80))) }
                var length = 0
                var closeAfter = false
                for line in lines.dropFirst() {
                    guard let colon = line.firstIndex(of: ":") else { continue }
                    let name = line[..<colon].lowercased()
                    let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                    if name == "content-length" { length = Int(value) ?? 0 }
                    if name == "connection", value.lowercased() == "close" { closeAfter = true }
                }
                while buffer.count < end + 4 + length { try fill() }
                let body = Array(buffer[(end + 4)..<(end + 4 + length)])
                buffer.removeFirst(end + 4 + length)
                if closeAfter { disconnect() }
                return Response(status: status, body: body)
            }
            try fill()
        }
    }

    private func fill() throws {
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if n == 0 { throw Failure.closed }
        if n < 0 { throw errno == EAGAIN || errno == EWOULDBLOCK ? Failure.timeout : Failure.closed }
        buffer.append(contentsOf: chunk[..<n])
    }

    private func headerEnd() -> Int? {
        guard buffer.count >= 4 else { return nil }
        var i = 0
        let last = buffer.count - 4
        while i <= last {
            if buffer[i] == 13 && buffer[i + 1] == 10 && buffer[i + 2] == 13 && buffer[i + 3] == 10 { return i }
            i += 1
        }
        return nil
    }
}
