import Glibc

/// Why the server could not start, in words that say what to fix.
public struct HTTPServerError: Error, CustomStringConvertible {
    public let description: String
}

/// Creates the listening socket (C glue kept out of the server's logic).
enum Listener {
    /// A bound, listening, non-blocking socket and the port it got.
    static func open(host: String, port: Int, backlog: Int32 = 1024) throws -> (fd: Int32, port: Int) {
        guard (0...65_535).contains(port) else {
            throw HTTPServerError(description: "cannot listen on port \(port): a port must be between 0 and 65535")
        }
        // Numeric only: a name would need a resolver, which a listening address should not.
        var hints = addrinfo()
        hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var found: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host == "localhost" ? "127.0.0.1" : host, String(port), &hints, &found) == 0, let address = found?.pointee else {
            throw HTTPServerError(description: "cannot listen on \(host): the host must be an IP address (such as 0.0.0.0 or ::) or localhost")
        }
        defer { freeaddrinfo(found) }
        let fd = socket(address.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw failure("cannot create a socket", errno) }
        var on: Int32 = 1
        // Restarts must not wait for old connections in TIME_WAIT to expire.
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<Int32>.size))
        guard bind(fd, address.ai_addr, address.ai_addrlen) == 0 else {
            let code = errno
            close(fd)
            switch code {
            case EADDRINUSE:
                throw HTTPServerError(description: "cannot listen on \(host):\(port): the port is already in use by another process")
            case EACCES:
                throw HTTPServerError(description: "cannot listen on \(host):\(port): permission denied (ports below 1024 need privileges)")
            case EADDRNOTAVAIL:
                throw HTTPServerError(description: "cannot listen on \(host):\(port): this machine has no such address")
            default:
                throw failure("cannot listen on \(host):\(port)", code)
            }
        }
        guard listen(fd, backlog) == 0 else {
            let code = errno
            close(fd)
            throw failure("cannot listen on \(host):\(port)", code)
        }
        // Non-blocking, so that accept after poll never waits for a client that already left.
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)

        var actual = sockaddr_storage()
        var actualLength = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &actualLength) }
        }
        // The port sits at the same place in sockaddr_in and sockaddr_in6.
        let boundPort = withUnsafeBytes(of: &actual) { Int(UInt16(bigEndian: $0.load(fromByteOffset: 2, as: UInt16.self))) }
        return (fd, boundPort)
    }

    private static func failure(_ what: String, _ code: Int32) -> HTTPServerError {
        HTTPServerError(description: "\(what): \(String(cString: strerror(code))) (errno \(code))")
    }
}
