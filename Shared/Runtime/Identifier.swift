import Foundation

/// A UUID that travels as lowercase text (RFC 9562 canonical form) in JSON, events and SQL.
/// Foundation's UUID encodes in upper case, which other systems compare case-sensitively.
public struct Identifier: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public let uuid: UUID

    public init() { uuid = UUID() }
    public init(_ uuid: UUID) { self.uuid = uuid }
    public init?(_ text: String) {
        guard text.utf8.count == 36, let uuid = UUID(uuidString: text) else { return nil }
        self.uuid = uuid
    }

    public var description: String { uuid.uuidString.lowercased() }

    public static func < (a: Identifier, b: Identifier) -> Bool { a.description < b.description }

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        guard let value = Identifier(try c.decode(String.self)) else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "expected a UUID")
        }
        self = value
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}
