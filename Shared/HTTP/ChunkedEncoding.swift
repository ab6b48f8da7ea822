import IASRuntime

/// The chunked transfer coding (RFC 9112 §7.1): its chunk-size line, and what can be wrong with
/// a body in it. `ChunkedBodyReader` reads a whole body.
package enum ChunkedEncoding {
    /// What is wrong with a chunked body: the same for the server's requests and the client's
    /// answers, each of which answers it its own way.
    package enum Failure: Error {
        /// A chunk-size line that is not `1*HEXDIG [extensions]`, too long or with a bare CR.
        case sizeLine
        /// Chunk data not followed by its line end: longer or shorter than its size.
        case chunkEnd
        /// A trailer field line without a colon, too long or with a bare CR.
        case trailerLine
        /// A chunk would take the body beyond its limit.
        case bodyTooLarge
        /// The trailer fields together are beyond their limit.
        case trailersTooLarge
    }

    static let malformedChunk = Problem.badRequest("The chunked request body is malformed.")

    /// `1*HEXDIG [BWS ";" extensions]`; extensions are ignored. Sizes beyond Int saturate to
    /// Int.max, which the caller rejects as too large.
    package static func parseSizeLine(_ line: UnsafeBufferPointer<UInt8>) throws(Failure) -> Int {
        var index = 0
        var size = 0
        while index < line.count, let digit = HexDigit.value(line[index]) {
            size = size > (Int.max - 15) / 16 ? Int.max : size * 16 + Int(digit)
            index += 1
        }
        guard index > 0 else { throw .sizeLine }
        while index < line.count, line[index] == ASCII.space || line[index] == ASCII.tab { index += 1 }
        if index < line.count {
            guard line[index] == UInt8(ascii: ";") else { throw .sizeLine }
            guard UnsafeBufferPointer(rebasing: line[index...]).allSatisfy(ASCII.isFieldValueByte) else { throw .sizeLine }
        }
        return size
    }
}

extension ChunkedEncoding.Failure {
    /// The server's answer: 413 and 431 for its limits, 400 for the rest.
    func problem(maxBodyBytes: Int) -> Problem {
        switch self {
        case .bodyTooLarge: BodyFraming.tooLarge(maxBodyBytes)
        case .trailersTooLarge: RequestHeadParser.headersTooLarge
        case .sizeLine, .chunkEnd, .trailerLine: ChunkedEncoding.malformedChunk
        }
    }
}
