/// Parses a complete request head (RFC 9112 §3, §5) strictly: anything ambiguous is a 400,
/// because lenient parsing is how request smuggling starts. Lines may end in CRLF or a
/// bare LF (§2.2); a bare CR anywhere is an error.
enum RequestHeadParser {
    static let malformedRequestLine = Problem.badRequest("The request line is not valid HTTP/1.1 (expected: METHOD /path HTTP/1.1).")
    static let uriTooLong = Problem.status(414, "The request line is longer than this server accepts.")
    static let headersTooLarge = Problem.status(431, "The request header fields are larger than this server accepts.")
    static let tooManyHeaders = Problem.status(431, "The request has more header fields than this server accepts.")
    static let nonASCIITarget = Problem.badRequest(
        "The request target contains a byte that is not ASCII; non-ASCII characters in a path or query must be sent percent-encoded as UTF-8 (such as %C3%A9 for é).")
    static let controlInTarget = Problem.badRequest("The request target contains a control character.")

    static func parse(_ head: [UInt8], limits: RequestHeadLimits) throws -> RequestHead {
        try head.withUnsafeBufferPointer { try parse($0, limits: limits) }
    }

    static func parse(_ head: UnsafeBufferPointer<UInt8>, limits: RequestHeadLimits) throws -> RequestHead {
        var lineStart = 0
        var requestLine: (method: String, target: String, minor: Int)?
        var headers: [(String, String)] = []
        var requestLineBytes = 0

        while lineStart < head.count {
            guard let lf = firstLF(head, from: lineStart) else {
                throw Problem.badRequest("The request head ends in the middle of a line.")
            }
            var lineEnd = lf
            if lineEnd > lineStart, head[lineEnd - 1] == ASCII.cr { lineEnd -= 1 }
            let line = UnsafeBufferPointer(rebasing: head[lineStart..<lineEnd])
            lineStart = lf + 1
            if line.contains(ASCII.cr) {
                throw Problem.badRequest("The request head contains a carriage return that does not end a line.")
            }
            if requestLine == nil {
                guard line.count <= limits.maxRequestLineBytes else { throw uriTooLong }
                requestLine = try parseRequestLine(line)
                requestLineBytes = lineStart
                continue
            }
            if line.isEmpty { break }
            guard headers.count < limits.maxHeaderCount else { throw tooManyHeaders }
            headers.append(try parseField(line))
        }
        guard let requestLine else { throw malformedRequestLine }
        guard lineStart - requestLineBytes <= limits.maxHeaderBytes else { throw headersTooLarge }
        return RequestHead(method: requestLine.method, target: requestLine.target,
                           minorVersion: requestLine.minor, headers: HTTPHeaders(headers))
    }

    /// `method SP request-target SP HTTP-version`, single spaces only.
    static func parseRequestLine(_ line: UnsafeBufferPointer<UInt8>) throws -> (method: String, target: String, minor: Int) {
        guard let firstSpace = line.firstIndex(of: ASCII.space),
              let lastSpace = line.lastIndex(of: ASCII.space), lastSpace > firstSpace + 1 else {
            throw malformedRequestLine
        }
        let method = UnsafeBufferPointer(rebasing: line[0..<firstSpace])
        let target = UnsafeBufferPointer(rebasing: line[(firstSpace + 1)..<lastSpace])
        let version = UnsafeBufferPointer(rebasing: line[(lastSpace + 1)...])
        guard !method.isEmpty, method.allSatisfy(ASCII.isToken) else {
            throw Problem.badRequest("The request method is not a valid token.")
        }
        guard target.allSatisfy(ASCII.isTargetByte) else {
            throw Problem.badRequest("The request target contains spaces, control or non-ASCII characters.")
        }
        let digits = UInt8(ascii: "0")...UInt8(ascii: "9")
        guard version.count == 8, version.starts(with: "HTTP/".utf8), digits.contains(version[5]),
              version[6] == UInt8(ascii: "."), digits.contains(version[7]) else {
            throw Problem.badRequest("The HTTP version is not valid (expected HTTP/1.1 or HTTP/1.0).")
        }
        guard version[5] == UInt8(ascii: "1") else {
            throw Problem.status(505, "Only HTTP/1.0 and HTTP/1.1 are supported.")
        }
        return (String(decoding: method, as: UTF8.self), String(decoding: target, as: UTF8.self),
                version[7] == UInt8(ascii: "0") ? 0 : 1)
    }

    /// `field-name ":" OWS field-value OWS`; no whitespace before the colon, no line folding.
    static func parseField(_ line: UnsafeBufferPointer<UInt8>) throws -> (String, String) {
        if line.first == ASCII.space || line.first == ASCII.tab {
            throw Problem.badRequest("The request head contains a folded or indented header line.")
        }
        guard let colon = line.firstIndex(of: ASCII.colon) else {
            throw Problem.badRequest("A request header line has no colon.")
        }
        let name = UnsafeBufferPointer(rebasing: line[0..<colon])
        guard !name.isEmpty, name.allSatisfy(ASCII.isToken) else {
            throw Problem.badRequest("A request header name is empty or contains characters that are not allowed.")
        }
        var start = colon + 1
        var end = line.count
        while start < end, line[start] == ASCII.space || line[start] == ASCII.tab { start += 1 }
        while end > start, line[end - 1] == ASCII.space || line[end - 1] == ASCII.tab { end -= 1 }
        let value = UnsafeBufferPointer(rebasing: line[start..<end])
        guard value.allSatisfy(ASCII.isFieldValueByte) else {
            throw Problem.badRequest("A request header value contains control characters.")
        }
        let nameText = String(decoding: name, as: UTF8.self)
        // obs-text is allowed by the grammar, but a value that is not UTF-8 cannot become a
        // String without being silently altered (U+FFFD), so handlers would see something
        // other than what was sent; refusing it is the only faithful answer.
        guard let valueText = String(validating: value, as: UTF8.self) else {
            let shown = nameText.count <= 64 ? nameText : String(nameText.prefix(64)) + "…"
            throw Problem.badRequest("The value of the header \(shown) is not valid UTF-8 text.",
                                     errors: [FieldError(field: shown, message: "is not valid UTF-8 text")])
        }
        return (nameText, valueText)
    }

    private static func firstLF(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        var index = start
        while index < bytes.count {
            if bytes[index] == ASCII.lf { return index }
            index += 1
        }
        return nil
    }
}
