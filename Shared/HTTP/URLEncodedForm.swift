/// `name=value&…` as sent in a query string or an `application/x-www-form-urlencoded` body:
/// percent-decoded, '+' as space, every pair in order (a form repeats a name for each box ticked).
public struct URLEncodedForm: Sendable, Equatable {
    public let pairs: [(name: String, value: String)]

    public static func == (a: URLEncodedForm, b: URLEncodedForm) -> Bool {
        a.pairs.elementsEqual(b.pairs) { $0.name == $1.name && $0.value == $1.value }
    }

    /// The first value of `name`: repeated names in a query string take the first, as headers do.
    public subscript(_ name: String) -> String? { pairs.first { $0.name == name }?.value }

    /// Every name once, the first value each.
    public var firstValues: [String: String] {
        var result: [String: String] = [:]
        for (name, value) in pairs where result[name] == nil { result[name] = value }
        return result
    }

    /// Invalid escapes, text that is not UTF-8 and NUL are a 400 naming the parameter (never
    /// its value: it may be personal data, and the detail of a rejected request is logged).
    /// `source` names where the text came from in that problem ("query string", "form").
    public static func parse(_ text: Substring, source: String = "query string") throws -> URLEncodedForm {
        var pairs: [(String, String)] = []
        for pair in text.split(separator: "&") {
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
            case let failure: throw problem(failure, parameter: nil, source: source)
            }
            let decodedValue: String
            switch PercentDecoding.decoding(value, plusAsSpace: true) {
            case .text(let text): decodedValue = text
            case let failure: throw problem(failure, parameter: decodedName, source: source)
            }
            guard !decodedName.contains("\0"), !decodedValue.contains("\0") else {
                throw Problem.badRequest("The \(source) contains a NUL character.")
            }
            pairs.append((decodedName, decodedValue))
        }
        return URLEncodedForm(pairs: pairs)
    }

    /// A form body: declared as `application/x-www-form-urlencoded` (else 415) and UTF-8.
    public static func parse(body: [UInt8], contentType: String?) throws -> URLEncodedForm {
        guard let contentType, MediaType(contentType)?.essence == "application/x-www-form-urlencoded" else {
            throw Problem.status(415, "The body must be sent as application/x-www-form-urlencoded.")
        }
        guard let text = String(validating: body, as: UTF8.self) else {
            throw Problem.badRequest("The form is not valid UTF-8.")
        }
        return try parse(Substring(text), source: "form")
    }

    public init(pairs: [(name: String, value: String)]) { self.pairs = pairs }

    /// The pairs written back as `a=1&b=2`, escaped for a URL or a form body.
    public var encoded: String {
        pairs.map { "\(Self.escape($0.name))=\(Self.escape($0.value))" }.joined(separator: "&")
    }

    public static func escape(_ text: String) -> String {
        PercentDecoding.encode(text, keeping: PercentDecoding.isUnreserved)
    }

    private static func problem(_ failure: PercentDecoding.Outcome, parameter: String?, source: String) -> Problem {
        let reason = failure == .invalidEscape
            ? "contains an invalid percent-encoding ('%' must be followed by two hex digits)"
            : "is not valid UTF-8 once percent-decoded"
        let printable = parameter.flatMap { name in
            name.isEmpty || name.count > 64 || name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) ? nil : name
        }
        guard let name = printable else {
            let part = parameter == nil ? "name" : "value"
            return Problem.badRequest("The \(source) has a parameter \(part) that \(reason).")
        }
        let noun = source == "query string" ? "query parameter" : "form field"
        return Problem.badRequest("The \(noun) \(name) \(reason).", errors: [FieldError(field: name, message: reason)])
    }
}
