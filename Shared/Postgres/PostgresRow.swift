import Foundation
import IASRuntime

/// One result row, values in PostgreSQL's text format. Typed accessors throw
/// `PostgresError(kind: .decoding)` naming the column, never the value (it can be personal data).
public struct PostgresRow: Sendable {
    /// Column name to position; shared (copy on write) by all rows of one result.
    let columns: [String: Int]
    let values: [String?]

    init(columns: [String: Int], values: [String?]) {
        self.columns = columns
        self.values = values
    }

    /// The raw text of a column; nil for NULL and for a column the result does not have.
    public subscript(_ column: String) -> String? {
        guard let index = columns[column] else { return nil }
        return values[index]
    }

    public var columnNames: [String] { columns.sorted { $0.value < $1.value }.map(\.key) }

    // MARK: - Typed accessors

    public func string(_ column: String) throws -> String { try required(column, "text") }
    public func optionalString(_ column: String) throws -> String? { try optional(column) }

    public func int(_ column: String) throws -> Int { try convert(try required(column, "an integer"), column, "an integer", Int.init) }
    public func optionalInt(_ column: String) throws -> Int? {
        try optional(column).map { try convert($0, column, "an integer", Int.init) }
    }

    public func bool(_ column: String) throws -> Bool { try convert(try required(column, "a boolean"), column, "a boolean", Self.parseBool) }

    public func double(_ column: String) throws -> Double { try convert(try required(column, "a number"), column, "a number", Self.parseDouble) }

    public func uuid(_ column: String) throws -> UUID { try convert(try required(column, "a uuid"), column, "a uuid", UUID.init(uuidString:)) }
    public func optionalUUID(_ column: String) throws -> UUID? {
        try optional(column).map { try convert($0, column, "a uuid", UUID.init(uuidString:)) }
    }

    /// A `timestamptz` (or `timestamp`, read as UTC); the session runs with TimeZone UTC and DateStyle ISO.
    public func date(_ column: String) throws -> Date { try convert(try required(column, "a timestamp"), column, "a timestamp", PostgresTime.parse) }
    public func optionalDate(_ column: String) throws -> Date? {
        try optional(column).map { try convert($0, column, "a timestamp", PostgresTime.parse) }
    }

    public func calendarDate(_ column: String) throws -> CalendarDate {
        try convert(try required(column, "a date"), column, "a date", CalendarDate.init)
    }
    public func optionalCalendarDate(_ column: String) throws -> CalendarDate? {
        try optional(column).map { try convert($0, column, "a date", CalendarDate.init) }
    }

    /// Decodes a `json`/`jsonb` column (`JSONCoding`).
    public func json<T: Decodable>(_ type: T.Type, _ column: String) throws -> T {
        let text = try required(column, "JSON")
        do {
            return try JSONCoding.decode(T.self, from: text.utf8)
        } catch {
            throw PostgresError(kind: .decoding, message: "column \"\(column)\" does not decode as \(T.self): \(JSONCoding.explain(error))")
        }
    }

    /// A `bytea` column in hex output format (`\x0a1b...`).
    public func bytes(_ column: String) throws -> [UInt8] {
        try convert(try required(column, "bytea"), column, "bytea in hex format", Self.parseHex)
    }

    // MARK: - Helpers

    private func optional(_ column: String) throws -> String? {
        guard let index = columns[column] else { throw missing(column) }
        return values[index]
    }

    private func required(_ column: String, _ expected: String) throws -> String {
        guard let index = columns[column] else { throw missing(column) }
        guard let value = values[index] else {
            throw PostgresError(
                kind: .decoding,
                message: "column \"\(column)\" is NULL where \(expected) was expected; use the optional accessor or make the query return a value")
        }
        return value
    }

    private func missing(_ column: String) -> PostgresError {
        PostgresError(
            kind: .decoding,
            message: "the result has no column \"\(column)\" (it has: \(columnNames.joined(separator: ", "))); check the query's select list")
    }

    private func convert<T>(_ text: String, _ column: String, _ expected: String, _ parse: (String) -> T?) throws -> T {
        guard let value = parse(text) else {
            throw PostgresError(kind: .decoding, message: "column \"\(column)\" does not hold \(expected); check the column's type in the query")
        }
        return value
    }

    static func parseBool(_ text: String) -> Bool? {
        switch text {
        case "t", "true": return true
        case "f", "false": return false
        default: return nil
        }
    }

    static func parseDouble(_ text: String) -> Double? {
        switch text {
        case "NaN": return .nan
        case "Infinity": return .infinity
        case "-Infinity": return -.infinity
        default: return Double(text)
        }
    }

    static func parseHex(_ text: String) -> [UInt8]? {
        let utf8 = Array(text.utf8)
        guard utf8.count >= 2, utf8[0] == UInt8(ascii: "\\"), utf8[1] == UInt8(ascii: "x"), utf8.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity((utf8.count - 2) / 2)
        var index = 2
        while index < utf8.count {
            guard let high = HexDigit.value(utf8[index]), let low = HexDigit.value(utf8[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }
}
