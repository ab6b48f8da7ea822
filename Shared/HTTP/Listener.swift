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
        let address = host == "localhost" ? "127.0.0.1" : host
        var storage = sockaddr_storage()
        let length: socklen_t
        let family: Int32
        var v4 = in_addr()
        var v6 = in6_addr()
        if inet_pton(AF_INET, address, &v4) == 1 {
            family = AF_INET
            length = socklen_t(MemoryLayout<sockaddr_in>.size)
            withUnsafeMutableBytes(of: &storage) { raw in
                let sin = raw.baseAddress!.assumingMemoryBound(to: sockaddr_in.self)
                sin.pointee.sin_family = sa_family_t(AF_INET)
                sin.pointee.sin_port = in_port_t(UInt16(port).bigEndian)
                sin.pointee.sin_addr = v4
            }
        } else if inet_pton(AF_INET6, address, &v6) == 1 {
            family = AF_INET6
            length = socklen_t(MemoryLayout<sockaddr_in6>.size)
            withUnsafeMutableBytes(of: &storage) { raw in
                let sin6 = raw.baseAddress!.assumingMemoryBound(to: sockaddr_in6.self)
                sin6.pointee.sin6_family = sa_family_t(AF_INET6)
                sin6.pointee.sin6_port = in_port_t(UInt16(port).bigEndian)
                sin6.pointee.sin6_addr = v6
            }
        } else {
            throw HTTPServerError(description: "cannot listen on \(host): the host must be an IP address (such as 0.0.0.0 or ::) or localhost")
        }

        let fd = socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw failure("cannot create a socket", errno) }
        var on: Int32 = 1
        // Restarts must not wait for old connections in TIME_WAIT to expire.
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<Int32>.size))
        let bound = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard bound == 0 else {
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
        let boundPort = withUnsafeBytes(of: &actual) { raw -> Int in
            if family == AF_INET {
                return Int(UInt16(bigEndian: raw.load(as: sockaddr_in.self).sin_port))
            }
            return Int(UInt16(bigEndian: raw.load(as: sockaddr_in6.self).sin6_port))
        }
        return (fd, boundPort)
    }

    private static func failure(_ what: String, _ code: Int32) -> HTTPServerError {
        HTTPServerError(description: "\(what): \(String(cString: strerror(code))) (errno \(code))")
    }
}
