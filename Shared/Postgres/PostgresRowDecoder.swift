import Foundation
import IASRuntime

extension PostgresRow {
    /// The row as a `Decodable` record, so that a store need not map it by hand: each stored
    /// property is read from the column of its name in snake_case (`taskId` from `task_id`),
    /// in the text forms the typed accessors read: integers, booleans (`t`/`f`), numbers,
    /// `uuid` as `UUID` or `Identifier`, `timestamptz` as `Date`, `date` as `CalendarDate`,
    /// enums by their raw value, and `json`/`jsonb` columns into nested Decodable values.
    /// NULL is nil for an optional property and an error for any other. Errors are
    /// `PostgresError(kind: .decoding)` naming the column and the type expected, never the value.
    public func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try T(from: PostgresRowDecoder(row: self))
    }

    /// The column a property is read from: `taskId` → `task_id`, `personURL` → `person_url`;
    /// a name in snake_case stays as it is.
    public static func columnName(_ property: String) -> String {
        // Property names are ASCII identifiers: convert their bytes directly. This runs for
        // every column of every row decoded, and the Unicode-aware path below cost a third of
        // a 200-row list (make bench, portal phase).
        let bytes = Array(property.utf8)
        if bytes.allSatisfy({ $0 < 0x80 }) {
            var name: [UInt8] = []
            name.reserveCapacity(bytes.count + 4)
            func isUpper(_ b: UInt8) -> Bool { b >= 0x41 && b <= 0x5A }
            func isLower(_ b: UInt8) -> Bool { b >= 0x61 && b <= 0x7A }
            for (i, b) in bytes.enumerated() {
                if isUpper(b), i > 0, !isUpper(bytes[i - 1]) || (i + 1 < bytes.count && isLower(bytes[i + 1])) {
                    name.append(0x5F)
                }
                name.append(isUpper(b) ? b + 0x20 : b)
            }
            return String(decoding: name, as: UTF8.self)
        }
        let characters = Array(property)
        var name = ""
        for (i, c) in characters.enumerated() {
            // A word starts at a capital after a small letter or digit, or at the last capital before a small letter.
            if c.isUppercase, i > 0, !characters[i - 1].isUppercase || (i + 1 < characters.count && characters[i + 1].isLowercase) {
                name.append("_")
            }
            name += c.lowercased()
        }
        return name
    }
}

/// The row as a whole: a record of named members.
private struct PostgresRowDecoder: Decoder {
    let row: PostgresRow
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(PostgresRowContainer(row: row))
    }

    func unkeyedContainer() throws -> UnkeyedDecodingContainer { throw notARecord() }
    func singleValueContainer() throws -> SingleValueDecodingContainer { throw notARecord() }

    private func notARecord() -> PostgresError {
        PostgresError(kind: .decoding, message: "a row is read into a type with named properties, one per column")
    }
}

private struct PostgresRowContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let row: PostgresRow
    var codingPath: [any CodingKey] { [] }
    var allKeys: [Key] { row.columnNames.compactMap { Key(stringValue: $0) } }

    private func column(_ key: Key) -> String { PostgresRow.columnName(key.stringValue) }

    /// Every property is looked for (also an optional one: NULL is nil), so that a column
    /// missing from the query's select list is an error, not nil.
    func contains(_ key: Key) -> Bool { true }
    func decodeNil(forKey key: Key) throws -> Bool { try row.optionalString(column(key)) == nil }
    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try row.bool(column(key)) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try row.string(column(key)) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try row.double(column(key)) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try row.int(column(key)) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try decodeColumn(type, key) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try decodeColumn(type, key) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try decodeColumn(type, key) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try decodeColumn(type, key) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try decodeColumn(type, key) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try decodeColumn(type, key) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try decodeColumn(type, key) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try decodeColumn(type, key) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try decodeColumn(type, key) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try decodeColumn(type, key) }
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try decodeColumn(type, key) }

    private func decodeColumn<T: Decodable>(_ type: T.Type, _ key: Key) throws -> T {
        let name = column(key)
        if T.self == Date.self { return try row.date(name) as! T }
        if T.self == UUID.self { return try row.uuid(name) as! T }
        if T.self == Identifier.self { return Identifier(try row.uuid(name)) as! T }
        if T.self == CalendarDate.self { return try row.calendarDate(name) as! T }
        if T.self == String.self { return try row.string(name) as! T }
        do {
            return try Self.value(of: try row.string(name), as: T.self).decode(T.self)
        } catch let error as DecodingError {
            throw PostgresError(kind: .decoding, message: "column \"\(name)\" does not hold \(T.self): \(error.explanation)")
        } catch let error as JSONParser.Failure {
            throw PostgresError(kind: .decoding, message: "column \"\(name)\" does not hold \(T.self) as JSON: \(error)")
        }
    }

    /// A column's text for the JSON decoder: an enum's raw value as it is, any other column
    /// (`json`, `jsonb`, a number) as a JSON document.
    private static func value<T>(of text: String, as type: T.Type) throws -> JSONValue {
        func rawValueIsText<R: RawRepresentable>(_ type: R.Type) -> Bool { R.RawValue.self == String.self }
        guard let enumType = type as? any RawRepresentable.Type, rawValueIsText(enumType) else { return try JSONParser.parse(text) }
        return .string(text)
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        try superDecoder(forKey: key).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> UnkeyedDecodingContainer {
        try superDecoder(forKey: key).unkeyedContainer()
    }

    func superDecoder() throws -> Decoder { PostgresRowDecoder(row: row) }

    func superDecoder(forKey key: Key) throws -> Decoder {
        try JSONParser.parse(try row.string(column(key))).decoder(codingPath: [key])
    }
}

/// A record a store reads from a row through its `Decodable` conformance (`PostgresRow.decode`):
/// its stored properties are the row's columns, in snake_case. `init(row:)` lets a query map
/// its rows with `.map(Record.init)`.
public protocol RowDecodable: Decodable {
    init(row: PostgresRow) throws
}

extension RowDecodable {
    public init(row: PostgresRow) throws { self = try row.decode(Self.self) }
}
