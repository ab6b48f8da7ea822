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

        var query: [String: String] = [:]
        for pair in rawQuery.split(separator: "&") {
            let name: Substring
            let value: Substring
            if let equals = pair.firstIndex(of: "=") {
                name = pair[..<equals]
                value = pair[pair.index(after: equals)...]
            } else {
                name = pair
                value = ""
            }
            let decodedName: String
            switch PercentDecoding.decoding(name, plusAsSpace: true) {
            case .text(let text): decodedName = text
            case let failure: throw queryProblem(failure, parameter: nil)
            }
            let decodedValue: String
            switch PercentDecoding.decoding(value, plusAsSpace: true) {
            case .text(let text): decodedValue = text
            case let failure: throw queryProblem(failure, parameter: decodedName)
            }
            guard !decodedName.contains("\0"), !decodedValue.contains("\0") else {
                throw Problem.badRequest("The query string contains a NUL character.")
            }
            // The first occurrence wins, as for headers.
            if query[decodedName] == nil { query[decodedName] = decodedValue }
        }
        return RequestTarget(segments: segments, path: "/" + segments.joined(separator: "/"), query: query)
    }

    /// Names the parameter (when its name could be read) as the field, the way handlers
    /// report invalid query parameters. The value itself is never repeated: it may be
    /// personal data, and the detail of a rejected request is logged.
    private static func queryProblem(_ failure: PercentDecoding.Outcome, parameter: String?) -> Problem {
        let reason = failure == .invalidEscape
            ? "contains an invalid percent-encoding ('%' must be followed by two hex digits)"
            : "is not valid UTF-8 once percent-decoded"
        let printable = parameter.flatMap { name in
            name.isEmpty || name.count > 64 || name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) ? nil : name
        }
        guard let name = printable else {
            let part = parameter == nil ? "name" : "value"
            return Problem.badRequest("The query string has a parameter \(part) that \(reason).")
        }
        return Problem.badRequest("The query parameter \(name) \(reason).", errors: [FieldError(field: name, message: reason)])
    }
}
