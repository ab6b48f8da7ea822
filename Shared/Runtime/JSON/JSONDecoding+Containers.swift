/// The members of an object being decoded.
struct KeyedJSONDecodingContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let members: [String: JSONValue]
    let codingPath: [any CodingKey]

    var allKeys: [Key] { members.keys.compactMap { Key(stringValue: $0) } }

    func contains(_ key: Key) -> Bool { members[key.stringValue] != nil }

    private func member(_ key: Key) throws -> JSONValue {
        guard let value = members[key.stringValue] else {
            throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "no member \"\(key.stringValue)\""))
        }
        return value
    }

    func decodeNil(forKey key: Key) throws -> Bool { try member(key) == .null }
    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try member(key).unbox(type, codingPath + [key]) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try member(key).unbox(type, codingPath + [key]) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try member(key).unbox(type, codingPath + [key]) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try member(key).unbox(type, codingPath + [key]) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try member(key).unbox(type, codingPath + [key]) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try member(key).unbox(type, codingPath + [key]) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try member(key).unbox(type, codingPath + [key]) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try member(key).unbox(type, codingPath + [key]) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try member(key).unbox(type, codingPath + [key]) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try member(key).unbox(type, codingPath + [key]) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try member(key).unbox(type, codingPath + [key]) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try member(key).unbox(type, codingPath + [key]) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try member(key).unbox(type, codingPath + [key]) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try member(key).unbox(type, codingPath + [key]) }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try JSONValueDecoder.decode(type, from: try member(key), at: codingPath + [key])
    }

    /// Absent and null are both nil, as an optional member of a request may be either.
    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        guard let value = members[key.stringValue], value != .null else { return nil }
        return try JSONValueDecoder.decode(type, from: value, at: codingPath + [key])
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        try JSONValueDecoder(value: try member(key), codingPath: codingPath + [key]).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> UnkeyedDecodingContainer {
        try JSONValueDecoder(value: try member(key), codingPath: codingPath + [key]).unkeyedContainer()
    }

    func superDecoder() throws -> Decoder {
        JSONValueDecoder(value: members["super"] ?? .null, codingPath: codingPath + [JSONKey.name("super")])
    }

    func superDecoder(forKey key: Key) throws -> Decoder {
        JSONValueDecoder(value: members[key.stringValue] ?? .null, codingPath: codingPath + [key])
    }
}

/// The elements of an array being decoded, or the one value of a single-value container:
/// both read values without names. A class, so that reading one value can move on to the
/// next under both protocols' signatures.
final class PositionalJSONDecodingContainer: UnkeyedDecodingContainer, SingleValueDecodingContainer {
    /// The value of a single-value container; nil for an array.
    private let single: JSONValue?
    private let items: [JSONValue]
    let codingPath: [any CodingKey]
    private(set) var currentIndex = 0

    init(items: [JSONValue] = [], single: JSONValue? = nil, codingPath: [any CodingKey]) {
        self.single = single
        self.items = items
        self.codingPath = codingPath
    }

    var count: Int? { items.count }
    var isAtEnd: Bool { currentIndex >= items.count }

    /// The path of the current value: the element's index, or the container's own path.
    private var path: [any CodingKey] { single == nil ? codingPath + [JSONKey.index(currentIndex)] : codingPath }

    private var current: JSONValue? { single ?? (isAtEnd ? nil : items[currentIndex]) }

    /// Decodes the current value; an array moves on to its next element once that succeeded.
    private func next<T>(_ decode: (JSONValue, [any CodingKey]) throws -> T) throws -> T {
        guard let value = current else {
            throw DecodingError.valueNotFound(T.self, .init(codingPath: path, debugDescription: "the array has no more elements"))
        }
        let result = try decode(value, path)
        if single == nil { currentIndex += 1 }
        return result
    }

    func decodeNil() -> Bool {
        guard current == JSONValue.null else { return false }
        if single == nil { currentIndex += 1 }
        return true
    }

    func decode(_ type: Bool.Type) throws -> Bool { try next { try $0.unbox(type, $1) } }
    func decode(_ type: String.Type) throws -> String { try next { try $0.unbox(type, $1) } }
    func decode(_ type: Double.Type) throws -> Double { try next { try $0.unbox(type, $1) } }
    func decode(_ type: Float.Type) throws -> Float { try next { try $0.unbox(type, $1) } }
    func decode(_ type: Int.Type) throws -> Int { try next { try $0.unbox(type, $1) } }
    func decode(_ type: Int8.Type) throws -> Int8 { try next { try $0.unbox(type, $1) } }
    func decode(_ type: Int16.Type) throws -> Int16 { try next { try $0.unbox(type, $1) } }
    func decode(_ type: Int32.Type) throws -> Int32 { try next { try $0.unbox(type, $1) } }
    func decode(_ type: Int64.Type) throws -> Int64 { try next { try $0.unbox(type, $1) } }
    func decode(_ type: UInt.Type) throws -> UInt { try next { try $0.unbox(type, $1) } }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try next { try $0.unbox(type, $1) } }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try next { try $0.unbox(type, $1) } }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try next { try $0.unbox(type, $1) } }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try next { try $0.unbox(type, $1) } }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try next { try JSONValueDecoder.decode(type, from: $0, at: $1) }
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        try next { try JSONValueDecoder(value: $0, codingPath: $1).container(keyedBy: type) }
    }

    func nestedUnkeyedContainer() throws -> UnkeyedDecodingContainer {
        try next { try JSONValueDecoder(value: $0, codingPath: $1).unkeyedContainer() }
    }

    func superDecoder() throws -> Decoder {
        try next { JSONValueDecoder(value: $0, codingPath: $1) }
    }
}
