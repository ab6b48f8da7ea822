import Foundation

/// The state of one encoding: the output and the values being written, innermost last.
///
/// The encoder writes in one pass, straight into its output: a container adds to the value
/// it belongs to only while that value is the innermost one still open. A nested container
/// is finished as soon as its parent writes again, as synthesized and ordinary hand-written
/// `encode(to:)` use them; a container used after that throws instead of writing in the
/// wrong place. `Date` is written as an RFC 3339 timestamp, `Identifier` and `CalendarDate`
/// without going through their `encode(to:)`, `JSONValue` as it is.
final class JSONEncodingState {
    enum Content { case nothing, object, array, scalar }

    struct Open {
        var content: Content
        let serial: Int
        /// The length of `path` for this value: its coding path.
        let pathCount: Int
    }

    // Not generic over the output: generic containers would cost a metadata lookup per value.
    // Accessed only by the one thread encoding, so exclusivity is not checked at run time.
    @exclusivity(unchecked) var output: any JSONOutput
    @exclusivity(unchecked) private(set) var path: [any CodingKey] = []
    @exclusivity(unchecked) private(set) var open: [Open] = []
    private var serials = 0

    init(output: any JSONOutput) {
        self.output = output
    }

    /// Encodes a value whose key, if any, is already written.
    func encode<T: Encodable>(_ value: T, key: (any CodingKey)?) throws {
        if T.self == JSONValue.self { return try output.value(value as! JSONValue) }
        if T.self == Identifier.self { return output.identifier(value as! Identifier) }
        if T.self == CalendarDate.self { return output.date(value as! CalendarDate) }
        if T.self == Date.self { return output.timestamp(value as! Date) }
        let (depth, serial) = push(.nothing, key: key)
        try value.encode(to: JSONEncoderImpl(state: self, depth: depth, serial: serial))
        if depth == 0, open[0].content == .nothing {
            throw EncodingError.invalidValue(value, .init(codingPath: [], debugDescription: "\(T.self) encoded nothing"))
        }
        while open.count > depth { pop() }
    }

    /// Opens a value; returns its depth and serial, which its encoder and containers keep.
    func push(_ content: Content, key: (any CodingKey)?) -> (depth: Int, serial: Int) {
        if let key { path.append(key) }
        serials += 1
        open.append(Open(content: content, serial: serials, pathCount: path.count))
        switch content {
        case .object: output.beginObject()
        case .array: output.beginArray()
        case .nothing, .scalar: break
        }
        return (open.count - 1, serials)
    }

    /// Finishes the innermost value; one that wrote nothing is an empty object.
    private func pop() {
        let value = open.removeLast()
        switch value.content {
        case .object: output.endObject()
        case .array: output.endArray()
        case .nothing: output.beginObject(); output.endObject()
        case .scalar: break
        }
        path.removeSubrange((open.last?.pathCount ?? 0)...)
    }

    /// Makes the value at `depth` the innermost again, finishing nested containers opened in
    /// it; throws when that value is already finished.
    func resume(_ depth: Int, _ serial: Int) throws {
        guard depth < open.count, open[depth].serial == serial else {
            throw EncodingError.invalidValue(serial, .init(codingPath: path, debugDescription: """
                a container was used after its value was finished: this encoder writes in one pass, so a nested \
                container must be filled before its parent writes again
                """))
        }
        while open.count > depth + 1 { pop() }
    }

    /// Starts the value at `depth` as an object, an array or a scalar; false when it is
    /// finished or already something else (its containers then throw when used).
    func start(_ content: Content, _ depth: Int, _ serial: Int) -> Bool {
        guard (try? resume(depth, serial)) != nil else { return false }
        switch (open[depth].content, content) {
        case (.nothing, .object): output.beginObject()
        case (.nothing, .array): output.beginArray()
        case (.nothing, .scalar): break
        case (.object, .object): return true   // a second keyed container of one value adds to its object
        default: return false
        }
        open[depth].content = content
        return true
    }

    func codingPath(_ depth: Int) -> [any CodingKey] {
        depth < open.count ? Array(path[..<open[depth].pathCount]) : path
    }
}

/// The `Encoder` handed to `encode(to:)`: one value being written.
struct JSONEncoderImpl: Encoder {
    let state: JSONEncodingState
    let depth: Int
    let serial: Int

    var codingPath: [any CodingKey] { state.codingPath(depth) }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        let usable = state.start(.object, depth, serial)
        return KeyedEncodingContainer(KeyedJSONEncodingContainer(state: state, depth: depth, serial: usable ? serial : 0))
    }

    func unkeyedContainer() -> UnkeyedEncodingContainer {
        let usable = state.start(.array, depth, serial)
        return PositionalJSONEncodingContainer(state: state, depth: depth, serial: usable ? serial : 0, isArray: true)
    }

    func singleValueContainer() -> SingleValueEncodingContainer {
        PositionalJSONEncodingContainer(state: state, depth: depth, serial: serial, isArray: false)
    }
}

/// The key of an array element or of `super`, for coding paths. An enum, so that it fits
/// an existential's inline buffer and a path costs no allocation.
enum JSONKey: CodingKey {
    case index(Int), name(String)

    init(stringValue: String) { self = .name(stringValue) }
    init(intValue: Int) { self = .index(intValue) }
    var stringValue: String { if case .name(let name) = self { name } else { "Index \(intValue!)" } }
    var intValue: Int? { if case .index(let index) = self { index } else { nil } }
}
