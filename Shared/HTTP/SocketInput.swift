import Glibc
import IASRuntime

/// The receiving side of one connection: a reusable buffer filled by recv(2), where every
/// wait is bounded by poll(2) so that a silent client never holds a thread beyond its deadline.
package final class SocketInput {
    package enum Failure: Error {
        case timedOut
        case closedByPeer
        case failed(errno: Int32)
    }

    private let fd: Int32
    private var storage: [UInt8]
    private var start = 0
    private var end = 0

    package init(fd: Int32, initialCapacity: Int = 16_384) {
        self.fd = fd
        storage = [UInt8](repeating: 0, count: initialCapacity)
    }

    /// Bytes received but not consumed yet.
    package var count: Int { end - start }

    package func withUnread<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try storage.withUnsafeBufferPointer { all in
            try body(UnsafeBufferPointer(rebasing: all[start..<end]))
        }
    }

    package func consume(_ n: Int) {
        start += min(n, count)
        if start == end { start = 0; end = 0 }
    }

    /// Moves up to `limit` unread bytes to the end of `target`.
    package func move(upTo limit: Int, into target: inout [UInt8]) {
        let n = min(limit, count)
        target.append(contentsOf: storage[start..<(start + n)])
        consume(n)
    }

    /// Moves exactly `count` bytes to the end of `target`; `fill` waits whenever none are unread.
    package func move(exactly count: Int, into target: inout [UInt8], fill: () throws -> Void) rethrows {
        let end = target.count + count
        while target.count < end {
            if self.count == 0 { try fill() }
            move(upTo: end - target.count, into: &target)
        }
    }

    /// The next `count` bytes, reserved once so that a large body is not copied while it grows
    /// (twice its size in memory for a moment).
    package func read(exactly count: Int, fill: () throws -> Void) rethrows -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count)
        try move(exactly: count, into: &bytes, fill: fill)
        return bytes
    }

    /// Waits until more bytes arrive (or `deadline` passes) and appends them.
    package func fill(deadline: Double) throws {
        makeRoom()
        while true {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&pfd, 1, MonotonicClock.pollTimeout(until: deadline))
            if ready < 0 {
                if errno == EINTR { continue }
                throw Failure.failed(errno: errno)
            }
            if ready == 0 { throw Failure.timedOut }
            let received = storage.withUnsafeMutableBytes { raw in
                recv(fd, raw.baseAddress! + end, raw.count - end, 0)
            }
            if received > 0 {
                end += received
                return
            }
            if received == 0 { throw Failure.closedByPeer }
            if errno == EINTR || errno == EAGAIN { continue }
            throw Failure.failed(errno: errno)
        }
    }

    /// Compacts the buffer, or doubles it when unread bytes fill it (only a request head
    /// needs to be whole in memory, so growth stops at the head limits).
    private func makeRoom() {
        guard end == storage.count else { return }
        if start > 0 {
            let (from, length) = (start, end - start)
            storage.withUnsafeMutableBytes { raw in
                _ = memmove(raw.baseAddress!, raw.baseAddress! + from, length)
            }
            end -= start
            start = 0
        } else {
            storage.append(contentsOf: repeatElement(0, count: storage.count))
        }
    }
}
