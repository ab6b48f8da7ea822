import Glibc

/// The parser of multipart/form-data bodies (RFC 7578 on RFC 2046 §5.1), as browsers send
/// forms with files. Strict where leniency would store something wrong: a body without its
/// closing delimiter was cut off and is refused, not stored in part; every part must say
/// which field it is. Parts are ranges of the body, so nothing is copied.
public enum MultipartFormData {
    public struct Limits: Sendable {
        /// More parts are refused (a form of documents has a file and a few fields).
        public var maxParts: Int
        /// Header block of one part, through its blank line.
        public var maxHeaderBytesPerPart: Int

        public init(maxParts: Int = 32, maxHeaderBytesPerPart: Int = 4096) {
            self.maxParts = maxParts
            self.maxHeaderBytesPerPart = maxHeaderBytesPerPart
        }
    }

    /// The parts of `body`, framed by the boundary of `contentType`. Throws 415 when
    /// `contentType` is not multipart/form-data, 400 (`Problem.invalidMultipartType`) naming
    /// the reason and the part when the body is not a well-formed form.
    public static func parse(body: [UInt8], contentType: String, limits: Limits = Limits()) throws -> [MultipartPart] {
        try body.withUnsafeBufferPointer { try parse(body: $0, contentType: contentType, limits: limits) }
    }

    /// As above; the parts' ranges are offsets into `body`.
    public static func parse(body: UnsafeBufferPointer<UInt8>, contentType: String, limits: Limits = Limits()) throws -> [MultipartPart] {
        try MultipartParser(body: body, boundary: try boundary(of: contentType), limits: limits).parts()
    }

    /// The boundary parameter of a multipart/form-data Content-Type: 1 to 70 of the characters
    /// RFC 2046 §5.1.1 allows, not ending in a space.
    public static func boundary(of contentType: String) throws -> String {
        guard let type = MediaType(contentType) else {
            if contentType.trimmingSpaces().lowercased().hasPrefix("multipart/form-data") {
                throw invalid("The parameters of the multipart/form-data Content-Type are malformed or repeated; send one boundary parameter.")
            }
            throw notAForm
        }
        guard type.essence == "multipart/form-data" else { throw notAForm }
        guard let boundary = type.parameter("boundary") else {
            throw invalid("The Content-Type multipart/form-data has no boundary parameter; the parts cannot be told apart.")
        }
        let allowed = Set("'()+_,-./:=? ".utf8)
        guard (1...70).contains(boundary.utf8.count), boundary.last != " ",
              boundary.utf8.allSatisfy({ allowed.contains($0) || isAlphanumeric($0) }) else {
            throw invalid("The boundary of the multipart/form-data Content-Type must be 1 to 70 letters, digits or '()+_,-./:=? and not end in a space.")
        }
        return boundary
    }

    private static let notAForm = Problem.status(415, "The request body must be a form sent as multipart/form-data (with a boundary parameter).")

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
    }

    static func invalid(_ detail: String, part: String? = nil) -> Problem {
        Problem(status: 400, type: Problem.invalidMultipartType, title: "The request body is not a valid multipart/form-data form",
                detail: detail, errors: [FieldError(field: part ?? "", message: detail)])
    }
}

extension Problem {
    /// A multipart/form-data body that cannot be read as a form (`MultipartFormData`).
    public static let invalidMultipartType = typeBase + "invalid-multipart"
}

extension HTTPRequest {
    /// The parts of this request's multipart/form-data body (`MultipartFormData.parse`);
    /// their ranges refer to `body`.
    public func multipartParts(limits: MultipartFormData.Limits = MultipartFormData.Limits()) throws -> [MultipartPart] {
        try MultipartFormData.parse(body: body, contentType: header("Content-Type") ?? "", limits: limits)
    }
}

/// One pass over a body: find a delimiter line, read the part's header block, find the next
/// delimiter line, until the closing one.
private struct MultipartParser {
    private enum Delimiter {
        /// `--boundary` LWSP CRLF: a part starts at `next`.
        case part(next: Int)
        /// `--boundary--`: whatever follows is the epilogue, which is ignored.
        case close
    }

    let body: UnsafeBufferPointer<UInt8>
    let limits: MultipartFormData.Limits
    /// CRLF "--" boundary: a delimiter line, everywhere but at the very start of the body.
    let delimiter: [UInt8]

    init(body: UnsafeBufferPointer<UInt8>, boundary: String, limits: MultipartFormData.Limits) {
        self.body = body
        self.limits = limits
        delimiter = [ASCII.cr, ASCII.lf] + Array("--\(boundary)".utf8)
    }

    func parts() throws -> [MultipartPart] {
        // The first delimiter may open the body without a CRLF before it; before it may be a
        // preamble, which is ignored.
        var next: Delimiter
        let dashBoundary = delimiter.count - 2
        if starts(at: 0, with: delimiter[2...]), let opening = kind(after: dashBoundary) {
            next = opening
        } else if let (_, opening) = findDelimiter(from: 0) {
            next = opening
        } else {
            throw MultipartFormData.invalid("The body holds no line with the boundary its Content-Type declares; it is not this form.")
        }
        var parts: [MultipartPart] = []
        while case .part(let start) = next {
            guard parts.count < limits.maxParts else {
                throw MultipartFormData.invalid("The form has more than \(limits.maxParts) parts; send the document with its few fields only.")
            }
            let (headers, contentStart) = try readHeaders(from: start, index: parts.count)
            let (name, fileName) = try disposition(headers, index: parts.count)
            guard let (end, following) = findDelimiter(from: contentStart) else {
                throw MultipartFormData.invalid("The body ends within the part '\(name.prefix(60))', without the closing boundary: "
                                                + "the upload was cut off. Nothing was stored; send it again.", part: name)
            }
            parts.append(MultipartPart(name: name, fileName: fileName,
                                       contentType: try contentType(headers, isFile: fileName != nil, name: name),
                                       headers: headers, content: contentStart..<end))
            next = following
        }
        return parts
    }

    // MARK: Delimiters

    private func starts(at index: Int, with bytes: ArraySlice<UInt8>) -> Bool {
        index + bytes.count <= body.count && zip(body[index...], bytes).allSatisfy { $0 == $1 }
    }

    /// What follows a `--boundary` ending at `index`; nil when it is no delimiter line (the
    /// boundary text continues, or the body ends before the line does).
    private func kind(after index: Int) -> Delimiter? {
        if starts(at: index, with: Array("--".utf8)[...]) { return .close }
        var i = index
        // Transport padding (RFC 2046 §5.1.1).
        while i < body.count, body[i] == ASCII.space || body[i] == ASCII.tab { i += 1 }
        guard i + 1 < body.count, body[i] == ASCII.cr, body[i + 1] == ASCII.lf else { return nil }
        return .part(next: i + 2)
    }

    /// The next delimiter line at or after `from`: where its CRLF starts, and what it is.
    private func findDelimiter(from: Int) -> (Int, Delimiter)? {
        var start = from
        while let hit = find(delimiter, from: start) {
            if let kind = kind(after: hit + delimiter.count) { return (hit, kind) }
            start = hit + 1
        }
        return nil
    }

    /// memchr for the first byte, memcmp for the rest: a 20 MB file is scanned at memory speed.
    private func find(_ needle: [UInt8], from: Int, before limit: Int? = nil) -> Int? {
        guard let base = body.baseAddress else { return nil }
        let end = min(limit ?? body.count, body.count)
        var start = from
        while start + needle.count <= end {
            guard let hit = memchr(base + start, Int32(needle[0]), end - needle.count + 1 - start) else { return nil }
            let index = UnsafeRawPointer(base).distance(to: UnsafeRawPointer(hit))
            if memcmp(base + index, needle, needle.count) == 0 { return index }
            start = index + 1
        }
        return nil
    }

    // MARK: Part headers

    /// The header fields of the part starting at `start`, and where its content starts.
    private func readHeaders(from start: Int, index: Int) throws -> (HTTPHeaders, Int) {
        let label = "part \(index + 1)"
        // No header fields: the blank line comes at once (and the part is refused below).
        if starts(at: start, with: [ASCII.cr, ASCII.lf][...]) { return (HTTPHeaders(), start + 2) }
        let window = start + limits.maxHeaderBytesPerPart
        guard let blank = find([ASCII.cr, ASCII.lf, ASCII.cr, ASCII.lf], from: start, before: window) else {
            if window < body.count {
                throw MultipartFormData.invalid("The header fields of \(label) exceed \(limits.maxHeaderBytesPerPart) bytes.")
            }
            throw MultipartFormData.invalid("The body ends within the header fields of \(label): the upload was cut off. "
                                            + "Nothing was stored; send it again.")
        }
        var headers = HTTPHeaders()
        var lineStart = start
        while lineStart < blank + 2 {
            let lineEnd = find([ASCII.cr, ASCII.lf], from: lineStart, before: blank + 2)!
            let line = UnsafeBufferPointer(rebasing: body[lineStart..<lineEnd])
            guard let colon = line.firstIndex(of: ASCII.colon), colon > 0, line[..<colon].allSatisfy(ASCII.isToken),
                  line[(colon + 1)...].allSatisfy(ASCII.isFieldValueByte),
                  let value = String(validating: line[(colon + 1)...], as: UTF8.self) else {
                throw MultipartFormData.invalid("A header line of \(label) is not 'Name: value' in UTF-8 on one line.")
            }
            headers.add(String(decoding: line[..<colon], as: UTF8.self), value.trimmingSpaces())
            lineStart = lineEnd + 2
        }
        return (headers, blank + 4)
    }

    /// The field name and file name of `Content-Disposition: form-data; name=…; filename=…`.
    private func disposition(_ headers: HTTPHeaders, index: Int) throws -> (String, String?) {
        let label = "Part \(index + 1)"
        let values = headers.values("Content-Disposition")
        guard values.count == 1, let (type, parameters) = HeaderParameters.parse(values[0]),
              type.lowercased() == "form-data" else {
            throw MultipartFormData.invalid("\(label) has no single 'Content-Disposition: form-data; name=\"…\"' header; every part must name its field.")
        }
        guard let rawName = parameters["name"], !rawName.isEmpty else {
            throw MultipartFormData.invalid("\(label) has no field name (Content-Disposition: form-data; name=\"…\").")
        }
        let name = Self.formDecoded(rawName)
        if let extended = parameters["filename*"] {
            if let decoded = ContentDisposition.extendedValue(extended) { return (name, decoded) }
            guard parameters["filename"] != nil else {
                throw MultipartFormData.invalid("The filename* of the part '\(name.prefix(60))' is not UTF-8''percent-encoded text (RFC 8187).", part: name)
            }
        }
        return (name, parameters["filename"].map(Self.formDecoded))
    }

    /// The part's media type, or the default for a field or a file.
    private func contentType(_ headers: HTTPHeaders, isFile: Bool, name: String) throws -> String {
        if let encoding = headers["Content-Transfer-Encoding"]?.lowercased(), !["7bit", "8bit", "binary"].contains(encoding) {
            throw MultipartFormData.invalid("The part '\(name.prefix(60))' is encoded as \(encoding.prefix(20)); send its bytes as they are.", part: name)
        }
        guard let declared = headers["Content-Type"] else { return isFile ? "application/octet-stream" : "text/plain" }
        guard MediaType(declared) != nil else {
            throw MultipartFormData.invalid("The Content-Type of the part '\(name.prefix(60))' is not a media type such as application/pdf.", part: name)
        }
        return declared
    }

    /// Browsers write `"`, CR and LF in names as %22, %0D and %0A (HTML's form encoding);
    /// nothing else is escaped, so nothing else is decoded.
    private static func formDecoded(_ text: String) -> String {
        guard text.contains("%") else { return text }
        var out = ""
        var rest = Substring(text)
        while let percent = rest.firstIndex(of: "%") {
            out += rest[..<percent]
            let code = rest[percent...].prefix(3).uppercased()
            switch code {
            case "%22": out += "\""
            case "%0D": out += "\r"
            case "%0A": out += "\n"
            default:
                out += "%"
                rest = rest[rest.index(after: percent)...]
                continue
            }
            rest = rest[rest.index(percent, offsetBy: 3)...]
        }
        return out + rest
    }
}
