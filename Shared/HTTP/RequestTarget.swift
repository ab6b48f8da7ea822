/// The path and query of a request target, decoded and split for routing.
struct RequestTarget: Equatable {
    /// Percent-decoded path segments; a segment may contain "/" when it was sent as %2F.
    let segments: [String]
    /// The percent-decoded path ("/" + segments joined by "/").
    let path: String
    let query: [String: String]

    /// Accepts origin-form ("/a/b?x=1") and absolute-form ("http://host/a/b"); anything else,
    /// invalid escapes and control characters in the decoded path are a 400.
    static func parse(_ target: String) throws -> RequestTarget {
        var rest = Substring(target)
        if let hash = rest.firstIndex(of: "#") { rest = rest[..<hash] }
        if !rest.hasPrefix("/") {
            let lower = rest.prefix(8).lowercased()
            guard lower.hasPrefix("http://") || lower.hasPrefix("https://"),
                  let schemeEnd = rest.range(of: "://") else {
                throw Problem.badRequest("The request target must be an absolute path such as /persons.")
            }
            let authority = rest[schemeEnd.upperBound...]
            if let slash = authority.firstIndex(where: { $0 == "/" || $0 == "?" }) {
                rest = authority[slash...]
                if rest.hasPrefix("?") { rest = "/" + rest }
            } else {
                rest = "/"
            }
        }
        let rawPath: Substring
        var rawQuery: Substring = ""
        if let question = rest.firstIndex(of: "?") {
            rawPath = rest[..<question]
            rawQuery = rest[rest.index(after: question)...]
        } else {
            rawPath = rest
        }

        var segments: [String] = []
        for (index, raw) in rawPath.dropFirst().split(separator: "/", omittingEmptySubsequences: false).enumerated() {
            let segment: String
            switch PercentDecoding.decoding(raw, plusAsSpace: false) {
            case .text(let text): segment = text
            case .invalidEscape:
                throw Problem.badRequest("The request path contains an invalid percent-encoding ('%' must be followed by two hex digits) in segment \(index + 1).")
            case .notUTF8:
                throw Problem.badRequest("The request path is not valid UTF-8 once percent-decoded (segment \(index + 1)); non-ASCII characters must be sent as percent-encoded UTF-8.")
            }
            // Control characters in identifiers only ever come from attacks or broken clients.
            guard !segment.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
                throw Problem.badRequest("The request path contains control characters.")
            }
            segments.append(segment)
        }

        // The first occurrence of a repeated name wins, as for headers.
        let query = try URLEncodedForm.parse(rawQuery).firstValues
        return RequestTarget(segments: segments, path: "/" + segments.joined(separator: "/"), query: query)
    }
}
