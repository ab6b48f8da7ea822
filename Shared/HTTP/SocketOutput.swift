import Glibc
import IASRuntime

/// Writes to a connected socket without ever blocking indefinitely: a client that stops
/// reading is given `timeout` seconds per stalled write, then dropped.
package enum SocketOutput {
    /// True when every byte was handed to the kernel.
    @discardableResult
    package static func sendAll(_ fd: Int32, _ bytes: [UInt8], timeout: Double) -> Bool {
        bytes.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return true }
            var offset = 0
            while offset < raw.count {
                // MSG_NOSIGNAL: a vanished peer must give EPIPE, not kill the process.
                let sent = send(fd, base + offset, raw.count - offset, Int32(MSG_NOSIGNAL) | Int32(MSG_DONTWAIT))
                if sent > 0 {
                    offset += sent
                    continue
                }
                if sent < 0, errno == EINTR { continue }
                guard sent < 0, errno == EAGAIN || errno == EWOULDBLOCK else { return false }
                var pfd = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                let ready = poll(&pfd, 1, Int32(timeout * 1000))
                if ready < 0, errno == EINTR { continue }
                if ready <= 0 { return false }
            }
            return true
        }
    }

    /// Sends a final FIN and drains what the client still sends for a short while, so that
    /// closing with unread input does not turn into a reset that destroys the response
    /// before the client has read it (RFC 9112 §9.6).
    static func lingeringClose(_ fd: Int32, seconds: Double = 1, maxBytes: Int = 1 << 20) {
        shutdown(fd, Int32(SHUT_WR))
        let deadline = MonotonicClock.now() + seconds
        var drained = 0
        var scratch = [UInt8](repeating: 0, count: 16_384)
        while drained < maxBytes {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&pfd, 1, MonotonicClock.pollTimeout(until: deadline))
            if ready < 0, errno == EINTR { continue }
            if ready <= 0 { return }
            let n = scratch.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, $0.count, 0) }
            if n < 0, errno == EINTR { continue }
            if n <= 0 { return }
            drained += n
        }
    }
}
