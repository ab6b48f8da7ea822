import IASRuntime

/// A `json`/`jsonb` parameter, encoded by `JSONCoding`, so stored documents have the same
/// shape as those on the wire.
public struct PostgresJSON: PostgresBindable, Sendable {
    public let text: String

    public init<T: Encodable>(_ value: T) throws {
        text = String(decoding: try JSONCoding.encode(value), as: UTF8.self)
    }

    public var postgresText: String? { text }
}
