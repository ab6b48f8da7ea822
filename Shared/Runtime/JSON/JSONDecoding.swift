import Foundation

/// The one `Decoder` of the suite: reads a `JSONValue` into a `Decodable` type.
///
/// Its errors are `DecodingError`s with the path of the offending value, in the forms
/// `DecodingError.field` and `.reason` describe. A whole number must be exact: an integer
/// field refuses a fraction, and any magnitude from 2^53 on, where a Double no longer holds
/// every integer, rather than take a value other than the one sent. `Date` is read from an
/// RFC 3339 timestamp; a `JSONValue` member is taken as it is.
struct JSONValueDecoder: Decoder {
    let value: JSONValue
    let codingPath: [any CodingKey]

    var userInfo: [CodingUserInfoKey: Any] { [:] }

    /// Decodes `value` at `path` as `T`.
    static func decode<T: Decodable>(_ type: T.Type, from value: JSONValue, at path: [any CodingKey]) throws -> T {
        if T.self == JSONValue.self { return value as! T }
        if T.self == Date.self {
            guard case .string(let text) = value, let date = Timestamp.parse(text) else {
                throw mismatch(Date.self, value, path)
            }
            return date as! T
        }
        return try T(from: JSONValueDecoder(value: value, codingPath: path))
    }

    /// `valueNotFound` for null, else `typeMismatch`.
    static func mismatch(_ type: Any.Type, _ value: JSONValue, _ path: [any CodingKey]) -> DecodingError {
        let context = DecodingError.Context(codingPath: path, debugDescription: "expected \(type)")
        return value == .null ? .valueNotFound(type, context) : .typeMismatch(type, context)
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .object(let members) = value else { throw Self.mismatch([String: JSONValue].self, value, codingPath) }
        return KeyedDecodingContainer(KeyedJSONDecodingContainer(members: members, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> UnkeyedDecodingContainer {
        guard case .array(let items) = value else { throw Self.mismatch([JSONValue].self, value, codingPath) }
        return PositionalJSONDecodingContainer(items: items, codingPath: codingPath)
    }

    func singleValueContainer() throws -> SingleValueDecodingContainer {
        PositionalJSONDecodingContainer(single: value, codingPath: codingPath)
    }
}

/// How the containers read scalars out of a value.
extension JSONValue {
    func unbox(_ type: Bool.Type, _ path: [any CodingKey]) throws -> Bool {
        guard case .bool(let value) = self else { throw JSONValueDecoder.mismatch(type, self, path) }
        return value
    }

    func unbox(_ type: String.Type, _ path: [any CodingKey]) throws -> String {
        guard case .string(let value) = self else { throw JSONValueDecoder.mismatch(type, self, path) }
        return value
    }

    func unbox<T: BinaryFloatingPoint>(_ type: T.Type, _ path: [any CodingKey]) throws -> T {
        guard case .number(let value) = self else { throw JSONValueDecoder.mismatch(type, self, path) }
        let converted = T(value)
        guard converted.isFinite else {
            throw DecodingError.dataCorrupted(.init(codingPath: path, debugDescription: "is a number too large to be represented"))
        }
        return converted
    }

    func unbox<T: FixedWidthInteger>(_ type: T.Type, _ path: [any CodingKey]) throws -> T {
        guard case .number(let value) = self else { throw JSONValueDecoder.mismatch(type, self, path) }
        // 2^53, not JSONValue.integer's 9e15: the bound of an exact conversion, not of writing without an exponent.
        guard value.magnitude < 9_007_199_254_740_992, let exact = T(exactly: value) else {
            throw DecodingError.dataCorrupted(.init(codingPath: path, debugDescription: "must be a whole number within the allowed range"))
        }
        return exact
    }
}
