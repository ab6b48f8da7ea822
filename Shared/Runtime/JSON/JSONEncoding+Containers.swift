/// The members of an object being encoded.
struct KeyedJSONEncodingContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let state: JSONEncodingState
    let depth: Int
    let serial: Int

    var codingPath: [any CodingKey] { state.codingPath(depth) }

    private func member(_ key: Key) throws {
        try state.resume(depth, serial)
        state.output.key(key.stringValue)
    }

    mutating func encodeNil(forKey key: Key) throws { try member(key); state.output.null() }
    mutating func encode(_ value: Bool, forKey key: Key) throws { try member(key); state.output.bool(value) }
    mutating func encode(_ value: String, forKey key: Key) throws { try member(key); state.output.string(value) }
    mutating func encode(_ value: Double, forKey key: Key) throws { try member(key); try state.output.double(value) }
    mutating func encode(_ value: Int, forKey key: Key) throws { try member(key); state.output.int(Int64(value)) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { try member(key); state.output.int(value) }
    // Rare in this suite: through the single-value container.
    mutating func encode(_ value: Float, forKey key: Key) throws { try encodeValue(value, key) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { try encodeValue(value, key) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { try encodeValue(value, key) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { try encodeValue(value, key) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { try encodeValue(value, key) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { try encodeValue(value, key) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { try encodeValue(value, key) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { try encodeValue(value, key) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { try encodeValue(value, key) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws { try encodeValue(value, key) }

    private func encodeValue<T: Encodable>(_ value: T, _ key: Key) throws {
        try member(key)
        try state.encode(value, key: key)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        let (depth, serial) = (try? member(key)) != nil ? state.push(.object, key: key) : (0, 0)
        return KeyedEncodingContainer(KeyedJSONEncodingContainer<NestedKey>(state: state, depth: depth, serial: serial))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> UnkeyedEncodingContainer {
        let (depth, serial) = (try? member(key)) != nil ? state.push(.array, key: key) : (0, 0)
        return PositionalJSONEncodingContainer(state: state, depth: depth, serial: serial, isArray: true)
    }

    mutating func superEncoder() -> Encoder { superEncoder(key: JSONKey.name("super")) }
    mutating func superEncoder(forKey key: Key) -> Encoder { superEncoder(key: key) }

    private func superEncoder(key: any CodingKey) -> Encoder {
        let written: Void? = try? state.resume(depth, serial)
        if written != nil { state.output.key(key.stringValue) }
        let (depth, serial) = written != nil ? state.push(.nothing, key: key) : (0, 0)
        return JSONEncoderImpl(state: state, depth: depth, serial: serial)
    }
}

/// The elements of an array being encoded (`isArray`), or the one value of a single-value
/// container: both write values without names.
struct PositionalJSONEncodingContainer: UnkeyedEncodingContainer, SingleValueEncodingContainer {
    let state: JSONEncodingState
    let depth: Int
    let serial: Int
    let isArray: Bool
    var count = 0

    var codingPath: [any CodingKey] { state.codingPath(depth) }

    /// Makes room for the next value: another element, or the single value (only one).
    private mutating func next() throws -> (any CodingKey)? {
        guard isArray else {
            guard state.start(.scalar, depth, serial) else {
                throw EncodingError.invalidValue(serial, .init(codingPath: codingPath, debugDescription: "a single-value container holds one value"))
            }
            return nil
        }
        try state.resume(depth, serial)
        count += 1
        return JSONKey.index(count - 1)
    }

    mutating func encodeNil() throws { _ = try next(); state.output.null() }
    mutating func encode(_ value: Bool) throws { _ = try next(); state.output.bool(value) }
    mutating func encode(_ value: String) throws { _ = try next(); state.output.string(value) }
    mutating func encode(_ value: Double) throws { _ = try next(); try state.output.double(value) }
    /// Written as Foundation writes a Float: its own shortest digits ("0.1", not 0.100000001).
    mutating func encode(_ value: Float) throws { _ = try next(); try state.output.double(Double("\(value)") ?? .nan) }
    mutating func encode(_ value: Int) throws { try integer(value) }
    mutating func encode(_ value: Int8) throws { try integer(value) }
    mutating func encode(_ value: Int16) throws { try integer(value) }
    mutating func encode(_ value: Int32) throws { try integer(value) }
    mutating func encode(_ value: Int64) throws { try integer(value) }
    mutating func encode(_ value: UInt) throws { try integer(value) }
    mutating func encode(_ value: UInt8) throws { try integer(value) }
    mutating func encode(_ value: UInt16) throws { try integer(value) }
    mutating func encode(_ value: UInt32) throws { try integer(value) }
    mutating func encode(_ value: UInt64) throws { try integer(value) }

    private mutating func integer<T: BinaryInteger>(_ value: T) throws {
        _ = try next()
        if let signed = Int64(exactly: value) { state.output.int(signed) } else { state.output.uint(UInt64(value)) }
    }

    mutating func encode<T: Encodable>(_ value: T) throws {
        let key = try next()
        try state.encode(value, key: key)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let (depth, serial) = nested(.object)
        return KeyedEncodingContainer(KeyedJSONEncodingContainer<NestedKey>(state: state, depth: depth, serial: serial))
    }

    mutating func nestedUnkeyedContainer() -> UnkeyedEncodingContainer {
        let (depth, serial) = nested(.array)
        return PositionalJSONEncodingContainer(state: state, depth: depth, serial: serial, isArray: true)
    }

    mutating func superEncoder() -> Encoder {
        let (depth, serial) = nested(.nothing)
        return JSONEncoderImpl(state: state, depth: depth, serial: serial)
    }

    private mutating func nested(_ content: JSONEncodingState.Content) -> (Int, Int) {
        guard let key = try? next() else { return (0, 0) }
        return state.push(content, key: key)
    }
}
