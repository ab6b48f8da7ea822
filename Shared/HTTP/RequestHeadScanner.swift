/// Finds the end of a request head in bytes that arrive piece by piece, and rejects a head
/// as soon as it exceeds a limit or its request line cannot be HTTP, so that garbage and
/// oversized heads are answered without waiting for more input.
///
/// Offsets are relative to the start of the unread input; each call resumes where the
/// previous one stopped, so a client that sends one byte at a time costs linear work.
struct RequestHeadScanner {
    private enum Part { case method, target, version, done }

    let limits: RequestHeadLimits
    private var part = Part.method
    private var partLength = 0
    private var checked = 0
    /// Length of the request line including its LF, once seen.
    private var requestLineLength: Int?
    private var scanned = 0

    init(limits: RequestHeadLimits) { self.limits = limits }

    /// The length of the complete head (through its blank line), or nil when more bytes are
    /// needed. Throws a Problem (400, 414, 431) when the head can never become valid.
    mutating func scan(_ bytes: UnsafeBufferPointer<UInt8>) throws -> Int? {
        if requestLineLength == nil {
            try checkRequestLine(bytes)
            guard requestLineLength != nil else {
                if bytes.count > limits.maxRequestLineBytes { throw RequestHeadParser.uriTooLong }
                return nil
            }
            guard requestLineLength! <= limits.maxRequestLineBytes + 2 else { throw RequestHeadParser.uriTooLong }
            scanned = requestLineLength! - 1
        }
        if let end = findEnd(bytes) { return end }
        if bytes.count - requestLineLength! > limits.maxHeaderBytes { throw RequestHeadParser.headersTooLarge }
        return nil
    }

    /// Checks request-line bytes up to the first LF against the shape
    /// `token SP visible-chars SP HTTP/d.d [CR]`.
    private mutating func checkRequestLine(_ bytes: UnsafeBufferPointer<UInt8>) throws {
        let version = Array("HTTP/".utf8)
        while checked < bytes.count {
            let byte = bytes[checked]
            checked += 1
            if byte == ASCII.lf {
                guard part == .done || (part == .version && partLength == 8) else {
                    throw RequestHeadParser.malformedRequestLine
                }
                requestLineLength = checked
                return
            }
            switch part {
            case .method:
                if byte == ASCII.space, partLength > 0 {
                    part = .target; partLength = 0
                } else if ASCII.isToken(byte), partLength < 32 {
                    partLength += 1
                } else {
                    throw RequestHeadParser.malformedRequestLine
                }
            case .target:
                if byte == ASCII.space, partLength > 0 {
                    part = .version; partLength = 0
                } else if ASCII.isTargetByte(byte) {
                    partLength += 1
                } else if byte >= 0x80 {
                    throw RequestHeadParser.nonASCIITarget
                } else if byte != ASCII.space {
                    throw RequestHeadParser.controlInTarget
                } else {
                    throw RequestHeadParser.malformedRequestLine
                }
            case .version:
                let valid: Bool
                switch partLength {
                case 0..<5: valid = byte == version[partLength]
                case 5, 7: valid = byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
                case 6: valid = byte == UInt8(ascii: ".")
                case 8: valid = byte == ASCII.cr
                default: valid = false
                }
                guard valid else { throw RequestHeadParser.malformedRequestLine }
                partLength += 1
                if partLength == 9 { part = .done }
            case .done:
                throw RequestHeadParser.malformedRequestLine
            }
        }
    }

    /// Looks for LF (CR) LF after the request line.
    private mutating func findEnd(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var index = scanned
        while index < bytes.count {
            if bytes[index] == ASCII.lf {
                let next = index + 1
                if next == bytes.count { break }
                if bytes[next] == ASCII.lf { return next + 1 }
                if bytes[next] == ASCII.cr {
                    if next + 1 == bytes.count { break }
                    if bytes[next + 1] == ASCII.lf { return next + 2 }
                }
            }
            index += 1
        }
        scanned = index
        return nil
    }
}
