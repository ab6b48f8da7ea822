import Foundation
import IASRuntime

/// Foundation's encoder configured as the suite's JSON was before it wrote its own: the
/// independent reference the writer's bytes are compared with (sorted keys, slashes as they
/// are, dates as RFC 3339 timestamps).
enum FoundationReference {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var c = encoder.singleValueContainer()
            try c.encode(Timestamp.format(date))
        }
        return encoder
    }()

    static func encoded<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// Our bytes for the same value.
    static func ours<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try JSONCoding.encode(value), as: UTF8.self)
    }
}
