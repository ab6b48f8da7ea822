import Foundation
internal import IASCrypto

/// One versioned schema change of a component. Its SQL runs in a transaction, so it must not
/// contain BEGIN/COMMIT nor statements that refuse transactions (CREATE INDEX CONCURRENTLY).
public struct Migration: Sendable, Equatable {
    public let version: Int
    public let name: String
    public let sql: String

    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }

    /// SHA-256 of the SQL text in hex, the same as `sha256sum` of its file, so operators can
    /// check a recorded checksum by hand.
    public var checksum: String { SHA256Hasher.hexDigest(Array(sql.utf8)) }
}
