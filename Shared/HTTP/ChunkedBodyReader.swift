/// Reads a body in the chunked transfer coding from a connection's input, for the server's
/// requests and the client's answers alike: chunks until the last (size 0), then trailer
/// fields, which are read and discarded. Each side gives its limits and its wait for more
/// bytes, whose errors pass through, and answers a `ChunkedEncoding.Failure` its own way.
package struct ChunkedBodyReader {
    /// The longest chunk-size line, extensions included.
    static let maxSizeLineBytes = 4096

    package let maxBodyBytes: Int
    /// Bounds the trailer field lines together, and so each of them (line ends not counted).
    package let maxTrailerBytes: Int

    package init(maxBodyBytes: Int, maxTrailerBytes: Int) {
        self.maxBodyBytes = maxBodyBytes
        self.maxTrailerBytes = maxTrailerBytes
    }

    /// The body, its chunks moved straight from `input`; `fill` waits until more bytes are unread.
    package func read(from input: SocketInput, fill: () throws -> Void) throws -> [UInt8] {
        var body: [UInt8] = []
        while true {
            let size = try readLine(input, maxBytes: Self.maxSizeLineBytes, else: .sizeLine, fill: fill) {
                try ChunkedEncoding.parseSizeLine($0)
            }
            guard size <= maxBodyBytes - body.count else { throw ChunkedEncoding.Failure.bodyTooLarge }
            if size == 0 { break }
            try input.move(exactly: size, into: &body, fill: fill)
            // The line end after the data; 2 bounds what is buffered while looking for it.
            guard try readLine(input, maxBytes: 2, else: .chunkEnd, fill: fill, { $0.isEmpty }) else {
                throw ChunkedEncoding.Failure.chunkEnd
            }
        }
        var trailerBytes = 0
        while true {
            let (length, hasColon) = try readLine(input, maxBytes: maxTrailerBytes, else: .trailerLine, fill: fill) {
                ($0.count, $0.contains(ASCII.colon))
            }
            if length == 0 { return body }
            trailerBytes += length
            guard trailerBytes <= maxTrailerBytes else { throw ChunkedEncoding.Failure.trailersTooLarge }
            guard hasColon else { throw ChunkedEncoding.Failure.trailerLine }
        }
    }

    /// Hands the next line (without CRLF or LF) to `parse`; a line longer than `maxBytes`
    /// or containing a bare CR is `malformed`.
    private func readLine<R>(_ input: SocketInput, maxBytes: Int, else malformed: ChunkedEncoding.Failure, fill: () throws -> Void,
                             _ parse: (UnsafeBufferPointer<UInt8>) throws -> R) throws -> R {
        while true {
            if let lf = input.withUnread({ $0.firstIndex(of: ASCII.lf) }) {
                let result = try input.withUnread { bytes in
                    let end = lf > 0 && bytes[lf - 1] == ASCII.cr ? lf - 1 : lf
                    let line = UnsafeBufferPointer(rebasing: bytes[0..<end])
                    guard end <= maxBytes, !line.contains(ASCII.cr) else { throw malformed }
                    return try parse(line)
                }
                input.consume(lf + 1)
                return result
            }
            guard input.count <= maxBytes + 1 else { throw malformed }
            try fill()
        }
    }
}
