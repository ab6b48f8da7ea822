import Foundation
import IASPostgres
import IASRuntime

/// Writes events into the outbox table inside the caller's transaction, so that the state
/// change and its event commit together or not at all.
public enum Outbox {
    public static func append(_ envelope: EventEnvelope, to topic: String, on connection: PostgresConnection) throws {
        let payload = String(decoding: try envelope.encoded(), as: UTF8.self)
        try connection.execute(
            "INSERT INTO outbox (event_id, topic, partition_key, event_type, payload) VALUES ($1, $2, $3, $4, $5)",
            [envelope.id, topic, envelope.subject, envelope.type, payload])
    }

    /// Rows not yet confirmed by the broker (the backlog gauge and readiness details use it).
    public static func backlog(on connection: PostgresConnection) throws -> Int {
        try connection.query("SELECT count(*) AS n FROM outbox WHERE published_at IS NULL").first?.int("n") ?? 0
    }
}

/// The shared migrations of the messaging tables (outbox, inbox, idempotency keys), applied
/// by every service under the component name "messaging".
public enum MessagingMigrations {
    public static func load() throws -> [Migration] {
        guard let url = Bundle.module.url(forResource: "Migrations", withExtension: nil) else {
            throw MessagingSetupError("the messaging migrations are missing from the installation (IASMessaging resources)")
        }
        return try Migrator.load(directory: url)
    }
}

public struct MessagingSetupError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

extension Identifier: PostgresBindable {
    public var postgresText: String? { description }
}

extension PostgresRow {
    public func identifier(_ column: String) throws -> Identifier { Identifier(try uuid(column)) }
    public func optionalIdentifier(_ column: String) throws -> Identifier? { try optionalUUID(column).map(Identifier.init) }
}
