import IASRuntime

/// A `json`/`jsonb` parameter, encoded by `JSONCoding`, so stored documents have the same
/// shape as those on the wire.
public struct PostgresJSON: PostgresBindable, Sendable {
    public let text: String

    public init<T: Encodable>(_ value: T) throws {
        text = String(decoding: try JSONCoding.encode(value), as: UTF8.self)
    }

    /// JSON text that is already encoded; PostgreSQL validates it when the statement runs.
    public init(rawJSON: String) {
        text = rawJSON
    }

    public var postgresText: String? { text }
}
