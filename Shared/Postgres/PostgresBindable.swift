import Foundation
import IASRuntime

/// A value that can be sent as a statement parameter, in PostgreSQL's text format.
/// Parameters travel separately from the SQL text, so no value is ever spliced into a statement.
public protocol PostgresBindable {
    /// The text form PostgreSQL parses for the parameter's type; nil sends SQL NULL.
    var postgresText: String? { get }
}

extension String: PostgresBindable {
    public var postgresText: String? { self }
}

extension Int: PostgresBindable {
    public var postgresText: String? { String(self) }
}

extension Int32: PostgresBindable {
    public var postgresText: String? { String(self) }
}

extension Int64: PostgresBindable {
    public var postgresText: String? { String(self) }
}

extension Bool: PostgresBindable {
    public var postgresText: String? { self ? "t" : "f" }
}

extension Double: PostgresBindable {
    /// Swift's shortest round-trip form; the special values use PostgreSQL's spelling.
    public var postgresText: String? {
        if isNaN { return "NaN" }
        if isInfinite { return self < 0 ? "-Infinity" : "Infinity" }
        return String(self)
    }
}

extension UUID: PostgresBindable {
    public var postgresText: String? { uuidString.lowercased() }
}

extension Date: PostgresBindable {
    /// RFC 3339 in UTC with microseconds, the precision of `timestamptz`.
    public var postgresText: String? { PostgresTime.format(self) }
}

extension CalendarDate: PostgresBindable {
    public var postgresText: String? { description }
}

extension Optional: PostgresBindable where Wrapped: PostgresBindable {
    public var postgresText: String? { self?.postgresText }
}

extension Array: PostgresBindable where Element == UInt8 {
    /// `bytea` in hex format: `\x` followed by two hex digits per byte.
    public var postgresText: String? {
        var out = [UInt8]("\\x".utf8)
        out.reserveCapacity(2 + count * 2)
        for byte in self { HexDigit.append(byte, to: &out) }
        return String(decoding: out, as: UTF8.self)
    }
}
