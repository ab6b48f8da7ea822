import IASHTTP
import IASRuntime

/// Reads one response from a connection's input: the head within `maxHeaderBytes`, then the
/// body as the head frames it (RFC 9112 §6.3) within `maxBodyBytes`: none for an answer to
/// HEAD and for 1xx, 204 and 304; chunked; `Content-Length`; else up to the server's close.
struct ResponseReader {
    let input: SocketInput
    let limits: HTTPClientConfiguration
    /// Seconds to wait for each next piece of the answer.
    let wait: Double

    /// The response, and whether the server will close the connection after it.
    func read(bodyless: Bool) throws -> (response: HTTPClientResponse, closes: Bool) {
        let (status, version, headers) = try readHead()
        let connection = ASCII.listElements(headers.values("Connection"))
        var closes = connection.contains("close") || (version == "HTTP/1.0" && !connection.contains("keep-alive"))
        let body: [UInt8]
        if bodyless || (100..<200).contains(status) || status == 204 || status == 304 {
            body = []
        } else if ASCII.listElements(headers.values("Transfer-Encoding")).last == "chunked" {
            body = try readChunked()
        } else if let field = headers["Content-Length"] {
            guard let length = Int(field.trimmingSpaces()), length >= 0 else { throw malformed("Content-Length: \(field)") }
            guard length <= limits.maxBodyBytes else { throw tooLarge(length) }
            body = try input.read(exactly: length) { try fill(answered: true) }
        } else {
            body = try readUntilClose()
            closes = true
        }
        return (HTTPClientResponse(status: status, headers: headers, body: body), closes)
    }

    // MARK: Head

    private func readHead() throws -> (status: Int, version: Substring, headers: HTTPHeaders) {
        var end: Int?
        while true {
            end = input.withUnread { bytes in
                bytes.count < 4 ? nil : (0...(bytes.count - 4)).first { bytes[$0] == ASCII.cr && bytes[$0 + 1] == ASCII.lf
                    && bytes[$0 + 2] == ASCII.cr && bytes[$0 + 3] == ASCII.lf }
            }
            if end != nil || input.count > limits.maxHeaderBytes { break }
            try fill(answered: input.count > 0)
        }
        guard let end, end + 4 <= limits.maxHeaderBytes else {
            throw HTTPClientError.tooLarge("a response head larger than \(limits.maxHeaderBytes) bytes")
        }
        let head = input.withUnread { String(decoding: UnsafeBufferPointer(rebasing: $0[..<end]), as: UTF8.self) }
        input.consume(end + 4)
        let lines = head.split(separator: "\r\n", omittingEmptySubsequences: false)
        let statusLine = lines[0].split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
        guard statusLine.count >= 2, statusLine[0].hasPrefix("HTTP/1."), statusLine[1].count == 3, let status = Int(statusLine[1]) else {
            throw malformed("status line \(lines[0].prefix(80))")
        }
        var headers = HTTPHeaders()
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { throw malformed("header line \(line.prefix(80))") }
            headers.add(String(line[..<colon]), line[line.index(after: colon)...].trimmingSpaces())
        }
        return (status, statusLine[0], headers)
    }

    // MARK: Body

    private func readChunked() throws -> [UInt8] {
        do {
            return try ChunkedBodyReader(maxBodyBytes: limits.maxBodyBytes, maxTrailerBytes: limits.maxHeaderBytes)
                .read(from: input) { try fill(answered: true) }
        } catch let failure as ChunkedEncoding.Failure {
            switch failure {
            case .sizeLine: throw malformed("chunk size line")
            case .chunkEnd: throw malformed("chunk data not as long as its size")
            case .trailerLine: throw malformed("trailer field line")
            case .bodyTooLarge: throw HTTPClientError.tooLarge("a chunked body of more than \(limits.maxBodyBytes) bytes")
            case .trailersTooLarge: throw HTTPClientError.tooLarge("trailer fields of more than \(limits.maxHeaderBytes) bytes")
            }
        }
    }

    private func readUntilClose() throws -> [UInt8] {
        var body: [UInt8] = []
        while true {
            input.move(upTo: input.count, into: &body)
            guard body.count <= limits.maxBodyBytes else { throw tooLarge(body.count) }
            do { try fill(answered: false) } catch HTTPClientError.closed { return body }
        }
    }

    // MARK: Waiting

    /// More bytes within `wait` seconds, or the reason there are none. A close before any byte
    /// of the answer is `closed` (the request may be sent again); within the answer it is a
    /// broken answer.
    private func fill(answered: Bool) throws {
        do { try input.fill(deadline: MonotonicClock.now() + wait) } catch SocketInput.Failure.timedOut {
            throw HTTPClientError.timedOut(seconds: wait)
        } catch {
            throw answered ? malformed("the connection ended within the answer") : HTTPClientError.closed
        }
    }

    private func malformed(_ what: String) -> HTTPClientError { .malformedResponse(what) }
    private func tooLarge(_ bytes: Int) -> HTTPClientError {
        .tooLarge("a body of \(bytes) bytes, more than \(limits.maxBodyBytes)")
    }
}
