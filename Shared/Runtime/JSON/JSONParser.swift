/// The one reader of JSON text: strict RFC 8259, from bytes to `JSONValue`.
///
/// Nesting is bounded (`Limits.maximumDepth`), so recursion stays shallow whatever a sender
/// nests. A failure says where (the JSON path of the value being read, line and column) and
/// why, in words meant for whoever sent the document. Valid JSON that no field may hold is
/// refused too, but only once the whole document has been read, so that a syntax error
/// later in the text is the one reported: an escaped lone surrogate (not Unicode), a number
/// beyond the range of a Double (it would silently become infinity), and with
/// `Limits.request` also a NUL character (PostgreSQL text cannot hold it and C-string APIs
/// would cut the text short) and a number too close to zero (it would silently become 0).
public enum JSONParser {
    public struct Limits: Sendable {
        public var maximumDepth: Int
        /// Refuse the NUL character and numbers that would round to zero.
        public var refusesUnstorable: Bool

        /// Documents of the suite itself: events, stored JSON, tokens, files.
        public static let general = Limits(maximumDepth: 256, refusesUnstorable: false)
        /// Request bodies from callers.
        public static let request = Limits(maximumDepth: 32, refusesUnstorable: true)
    }

    public struct Failure: Error, CustomStringConvertible, Sendable {
        public enum Kind: Sendable {
            /// Not JSON at all.
            case syntax
            /// Bytes inside a string that are not UTF-8.
            case encoding
            /// Valid JSON that no field may hold.
            case unacceptable
        }

        public let kind: Kind
        /// The JSON path of the value being read ("address.street", "languages[1]"; "" for
        /// the document itself).
        public let path: String
        /// What is wrong, e.g. "expected ':' after the member name but found '1'".
        public let reason: String
        public let line: Int
        public let column: Int

        /// The reason and where it is: "… at line 2, column 25".
        public var message: String { "\(reason) at line \(line), column \(column)" }
        public var description: String { "invalid JSON" + (path.isEmpty ? "" : " at \(path)") + ": " + message }
    }

    public static func parse<Bytes: Collection<UInt8>>(_ bytes: Bytes, limits: Limits = .general) throws -> JSONValue {
        if let value = try bytes.withContiguousStorageIfAvailable({ try parse(buffer: $0, limits: limits) }) { return value }
        return try Array(bytes).withUnsafeBufferPointer { try parse(buffer: $0, limits: limits) }
    }

    public static func parse(_ text: String, limits: Limits = .general) throws -> JSONValue {
        var text = text
        return try text.withUTF8 { try parse(buffer: $0, limits: limits) }
    }

    private static func parse(buffer: UnsafeBufferPointer<UInt8>, limits: Limits) throws -> JSONValue {
        var reader = JSONReader(bytes: buffer, limits: limits)
        return try reader.document()
    }
}
