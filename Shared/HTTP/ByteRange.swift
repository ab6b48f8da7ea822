/// What a Range header asks of a representation of `length` bytes (RFC 9110 §14).
public enum ByteRangeResult: Equatable, Sendable {
    /// Serve all of it (200): no Range, or one that is ignored (see `ByteRange.parse`).
    case whole
    /// Serve these bytes (206 with Content-Range).
    case satisfiable(Range<Int>)
    /// 416 with `Content-Range: bytes */length`.
    case unsatisfiable
}

public enum ByteRange {
    /// One range of bytes: `bytes=0-499`, `bytes=500-` (to the end), `bytes=-500` (the last
    /// 500); a last position beyond the end is clamped to it. A range starting at or beyond the
    /// end, or a suffix of 0 bytes, is unsatisfiable.
    ///
    /// Ignored (the whole is served, as §14.2 allows): an absent header, another unit, invalid
    /// syntax, a last position before the first, and several ranges. Several ranges would need
    /// a multipart/byteranges answer that no client of this suite asks for, and overlapping
    /// ranges are a known way to make a server do more work than the document is large. A
    /// zero-length representation is served whole to a suffix range (no range of it exists).
    public static func parse(header: String?, length: Int) -> ByteRangeResult {
        guard let header, let equals = header.firstIndex(of: "=") else { return .whole }
        guard header[..<equals].trimmingSpaces().lowercased() == "bytes" else { return .whole }
        let specs = header[header.index(after: equals)...].split(separator: ",").map { $0.trimmingSpaces() }.filter { !$0.isEmpty }
        guard specs.count == 1, let dash = specs[0].firstIndex(of: "-") else { return .whole }
        let first = String(specs[0][..<dash]), last = String(specs[0][specs[0].index(after: dash)...])
        if first.isEmpty {
            guard let suffix = BodyFraming.parseLength(last) else { return .whole }
            guard suffix > 0 else { return .unsatisfiable }
            return length == 0 ? .whole : .satisfiable(max(0, length - suffix)..<length)
        }
        guard let start = BodyFraming.parseLength(first) else { return .whole }
        var end = length
        if !last.isEmpty {
            guard let lastPosition = BodyFraming.parseLength(last), lastPosition >= start else { return .whole }
            end = min(lastPosition, length - 1) + 1
        }
        return start < length ? .satisfiable(start..<end) : .unsatisfiable
    }

    /// `parse` after If-Range (§13.1.5): a range applies only while the representation is the
    /// one the client has part of, which only a strong tag equal to `etag` shows; a date, a
    /// weak tag or another tag means the whole is served. Range is defined for GET alone (HEAD
    /// answers as GET would).
    public static func evaluate(_ request: HTTPRequest, etag: EntityTag?, length: Int) -> ByteRangeResult {
        guard request.method == "GET" || request.method == "HEAD", let range = request.header("Range") else { return .whole }
        if let ifRange = request.header("If-Range") {
            guard let etag, let sent = EntityTag(parsing: ifRange), sent.strongMatches(etag) else { return .whole }
        }
        return parse(header: range, length: length)
    }

    /// The Content-Range of a 206: `bytes 0-499/1234`.
    public static func contentRange(_ range: Range<Int>, length: Int) -> String {
        "bytes \(range.lowerBound)-\(range.upperBound - 1)/\(length)"
    }
}
