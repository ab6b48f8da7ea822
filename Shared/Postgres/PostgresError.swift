import Foundation

/// The one error of this module. Its description is safe to log: it carries the SQLSTATE and
/// the server's primary message with parameter values removed, never the DETAIL (which
/// repeats key values) nor the statement's parameters, since both can hold personal data.
public struct PostgresError: Error, CustomStringConvertible, Sendable {
    public enum Kind: Sendable {
        /// Cannot connect, connection lost, pool checkout timed out or pool closed: callers answer 503.
        case unavailable
        /// The server rejected a statement (`sqlState` tells why).
        case query
        /// A row value did not fit the requested type.
        case decoding
    }

    public let kind: Kind
    /// The five-character SQLSTATE, for example "23505"; nil when the server did not send one.
    public let sqlState: String?
    /// The violated constraint's name (PG_DIAG_CONSTRAINT_NAME) when the server names one.
    public let constraint: String?
    /// What happened, already redacted.
    public let message: String

    public init(kind: Kind, sqlState: String? = nil, constraint: String? = nil, message: String) {
        self.kind = kind
        self.sqlState = sqlState
        self.constraint = constraint
        self.message = message
    }

    public var isUniqueViolation: Bool { sqlState == "23505" }
    /// A serialization failure or deadlock: the whole transaction can be retried.
    public var isSerializationFailure: Bool { sqlState == "40001" || sqlState == "40P01" }

    public var description: String {
        switch kind {
        case .unavailable:
            return "database unavailable: \(message)"
        case .decoding:
            return "cannot read a database row: \(message)"
        case .query:
            var text = "database rejected the statement"
            var tags: [String] = []
            if let sqlState { tags.append("SQLSTATE \(sqlState)") }
            if let constraint { tags.append("constraint \"\(constraint)\"") }
            if !tags.isEmpty { text += " (" + tags.joined(separator: ", ") + ")" }
            return text + ": " + message
        }
    }
}

// MARK: - Redaction

extension PostgresError {
    static let redactedMarker = "<redacted>"

    /// Removes from a server message everything that can repeat data: any DETAIL/HINT part,
    /// quoted values that come from a parameter (`invalid input syntax for type uuid: "..."`),
    /// and any longer parameter text that still appears verbatim.
    static func redact(_ message: String, parameters: [String?]) -> String {
        var text = message
        for cut in ["\nDETAIL", "DETAIL:", "\nHINT", "\nCONTEXT", "\nLINE "] {
            if let range = text.range(of: cut) { text = String(text[..<range.lowerBound]) }
        }
        text = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .joined(separator: " ")
        let values = parameters.compactMap { $0 }.filter { !$0.isEmpty }
        guard !values.isEmpty else { return text }
        text = redactQuoted(text, values: values)
        for value in values where value.count >= 4 {
            text = text.replacingOccurrences(of: value, with: redactedMarker)
        }
        return text
    }

    /// Replaces each "quoted" part that is (part of) a parameter's text; quoted identifiers
    /// such as relation names stay, which keeps the message useful.
    private static func redactQuoted(_ text: String, values: [String]) -> String {
        let parts = text.split(separator: "\"", omittingEmptySubsequences: false)
        guard parts.count >= 3 else { return text }
        var out = ""
        for (index, part) in parts.enumerated() {
            if index > 0 { out += "\"" }
            let isQuoted = index % 2 == 1 && index < parts.count - 1
            if isQuoted, !part.isEmpty, values.contains(where: { $0.contains(part) }) {
                out += redactedMarker
            } else {
                out += part
            }
        }
        return out
    }
}
