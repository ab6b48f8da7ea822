import IASRuntime

/// The chunk-size line of the chunked transfer coding (RFC 9112 §7.1).
package enum ChunkedEncoding {
    static let malformedChunk = Problem.badRequest("The chunked request body is malformed.")

    /// `1*HEXDIG [BWS ";" extensions]`; extensions are ignored. Sizes beyond Int saturate to
    /// Int.max, which the caller rejects as too large.
    package static func parseSizeLine(_ line: UnsafeBufferPointer<UInt8>) throws -> Int {
        var index = 0
        var size = 0
        while index < line.count, let digit = HexDigit.value(line[index]) {
            size = size > (Int.max - 15) / 16 ? Int.max : size * 16 + Int(digit)
            index += 1
        }
        guard index > 0 else { throw malformedChunk }
        while index < line.count, line[index] == ASCII.space || line[index] == ASCII.tab { index += 1 }
        if index < line.count {
            guard line[index] == UInt8(ascii: ";") else { throw malformedChunk }
            guard UnsafeBufferPointer(rebasing: line[index...]).allSatisfy(ASCII.isFieldValueByte) else { throw malformedChunk }
        }
        return size
    }
}
