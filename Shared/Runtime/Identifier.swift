import Foundation

/// A UUID that travels as lowercase text (RFC 9562 canonical form) in JSON, events and SQL.
/// Foundation's UUID encodes in upper case, which other systems compare case-sensitively.
public struct Identifier: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public let uuid: UUID

    /// A new random identifier (UUID version 4).
    public init() { uuid = UUID.randomVersion4() }
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

extension UUID {
    /// A random UUID (version 4, RFC 9562) from the system's cryptographic generator
    /// (getrandom). Foundation's `UUID()` here opens and reads /dev/urandom for every id,
    /// which cost a tenth of a `/healthz` request and of every event created.
    public static func randomVersion4() -> UUID {
        var generator = SystemRandomNumberGenerator()
        let high = (generator.next() as UInt64) & 0xFFFF_FFFF_FFFF_0FFF | 0x0000_0000_0000_4000   // version 4
        let low = (generator.next() as UInt64) & 0x3FFF_FFFF_FFFF_FFFF | 0x8000_0000_0000_0000    // variant 10
        func byte(_ word: UInt64, _ index: Int) -> UInt8 { UInt8(truncatingIfNeeded: word >> (56 - 8 * index)) }
        return UUID(uuid: (byte(high, 0), byte(high, 1), byte(high, 2), byte(high, 3), byte(high, 4), byte(high, 5),
                           byte(high, 6), byte(high, 7), byte(low, 0), byte(low, 1), byte(low, 2), byte(low, 3),
                           byte(low, 4), byte(low, 5), byte(low, 6), byte(low, 7)))
    }
}
