import Glibc
import IASHTTP
import IASRuntime

/// Opens a TCP connection within a bounded time: a non-blocking connect(2) per address of the
/// host, waited for with poll(2). The socket stays non-blocking; every later read and write
/// is bounded by poll as well (`SocketInput`, `SocketOutput`).
enum TCPConnect {
    static func open(host: String, port: Int, timeout: Double) throws -> Int32 {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_NUMERICSERV
        var list: UnsafeMutablePointer<addrinfo>?
        let resolved = getaddrinfo(host, String(port), &hints, &list)
        guard resolved == 0, let first = list else {
            throw HTTPClientError.cannotConnect(host: host, port: port, reason: String(cString: gai_strerror(resolved)))
        }
        defer { freeaddrinfo(list) }
        let deadline = MonotonicClock.now() + timeout
        var reason = "no address"
        var next: UnsafeMutablePointer<addrinfo>? = first
        while let address = next?.pointee {
            next = address.ai_next
            let fd = socket(address.ai_family, address.ai_socktype | Int32(SOCK_NONBLOCK.rawValue), address.ai_protocol)
            guard fd >= 0 else { reason = String(cString: strerror(errno)); continue }
            let immediate = connect(fd, address.ai_addr, address.ai_addrlen) == 0
            let error = errno
            if immediate || (error == EINPROGRESS && completed(fd, deadline, &reason)) {
                var one: Int32 = 1
                // Requests are written whole; waiting to coalesce them only adds latency.
                setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
                return fd
            }
            if error != EINPROGRESS { reason = String(cString: strerror(error)) }
            close(fd)
        }
        throw HTTPClientError.cannotConnect(host: host, port: port, reason: reason)
    }

    /// Waits for a connect in progress; false with the reason when it failed or timed out.
    private static func completed(_ fd: Int32, _ deadline: Double, _ reason: inout String) -> Bool {
        var pfd = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
        var ready: Int32
        repeat { ready = poll(&pfd, 1, MonotonicClock.pollTimeout(until: deadline)) } while ready < 0 && errno == EINTR
        guard ready > 0 else { reason = "timed out"; return false }
        var error: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length)
        if error != 0 { reason = String(cString: strerror(error)) }
        return error == 0
    }
}
