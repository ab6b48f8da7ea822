import Foundation
import IASRuntime

/// Brings a component's tables to the newest schema at start-up.
///
/// Applied migrations are recorded in `schema_migrations` (component, version, name,
/// checksum, applied_at); versions count per component. Every step holds one transaction-level
/// advisory lock, so instances starting together apply each migration exactly once.
public struct Migrator: Sendable {
    public let component: String
    private let pool: PostgresPool
    private let migrations: [Migration]
    private let logger: Logger

    /// Any fixed number works; it must never change, or old and new builds would not exclude each other.
    static let lockKey: Int64 = 0x1A5_5C4E_3A00

    static let createTable = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            component  text        NOT NULL,
            version    integer     NOT NULL,
            name       text        NOT NULL,
            checksum   text        NOT NULL,
            applied_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (component, version)
        )
        """

    /// `component` names the owner: a service, or "messaging" for the shared outbox/inbox tables.
    public init(pool: PostgresPool, component: String, migrations: [Migration], logger: Logger) {
        self.pool = pool
        self.component = component
        self.migrations = migrations.sorted { $0.version < $1.version }
        self.logger = logger.with(["component": component])
    }

    /// Applies pending migrations in version order, each in its own transaction, and returns
    /// those applied by this call. Throws without applying anything when an applied
    /// migration's SQL has changed since.
    public func migrate() throws -> [Migration] {
        try validate()
        let applied = try pool.transaction { connection in
            try lock(connection)
            try connection.executeScript(Self.createTable)
            return try checksums(connection)
        }
        try verify(applied)
        var done: [Migration] = []
        for migration in migrations where applied[migration.version] == nil {
            if try apply(migration) {
                logger.info("applied migration", ["version": String(migration.version), "name": migration.name])
                done.append(migration)
            }
        }
        return done
    }

    /// Migrations not yet applied; 0 when the schema is up to date (readiness).
    public func pendingCount() throws -> Int {
        try pool.withConnection { connection in
            let present = try connection.query("SELECT to_regclass('schema_migrations') IS NOT NULL AS present")
            guard try present.first?.bool("present") == true else { return migrations.count }
            let applied = Set(try connection.query(
                "SELECT version FROM schema_migrations WHERE component = $1", [component]
            ).map { try $0.int("version") })
            return migrations.filter { !applied.contains($0.version) }.count
        }
    }

    // MARK: - Steps

    /// Applies one migration unless another instance did so while this one waited for the lock.
    private func apply(_ migration: Migration) throws -> Bool {
        do {
            return try pool.transaction { connection in
                try lock(connection)
                if let recorded = try checksums(connection)[migration.version] {
                    guard recorded == migration.checksum else { throw changed(migration) }
                    return false
                }
                try connection.executeScript(migration.sql)
                try connection.execute(
                    "INSERT INTO schema_migrations (component, version, name, checksum) VALUES ($1, $2, $3, $4)",
                    [component, migration.version, migration.name, migration.checksum])
                return true
            }
        } catch let error as PostgresError where error.kind == .query {
            throw MigrationError(
                "\(component) migration \(migration.version) (\(migration.name)) failed and was rolled back: \(error); fix its SQL and start again")
        }
    }

    private func lock(_ connection: PostgresConnection) throws {
        try connection.execute("SELECT pg_advisory_xact_lock($1)", [Self.lockKey])
    }

    private func checksums(_ connection: PostgresConnection) throws -> [Int: String] {
        var result: [Int: String] = [:]
        for row in try connection.query("SELECT version, checksum FROM schema_migrations WHERE component = $1", [component]) {
            result[try row.int("version")] = try row.string("checksum")
        }
        return result
    }

    private func validate() throws {
        var seen = Set<Int>()
        for migration in migrations {
            guard migration.version > 0 else {
                throw MigrationError("\(component) migration \"\(migration.name)\" has version \(migration.version); versions start at 1")
            }
            guard seen.insert(migration.version).inserted else {
                throw MigrationError("\(component) has two migrations with version \(migration.version); give one the next free number")
            }
        }
    }

    private func verify(_ applied: [Int: String]) throws {
        for migration in migrations {
            if let recorded = applied[migration.version], recorded != migration.checksum { throw changed(migration) }
        }
        let known = Set(migrations.map(\.version))
        let unknown = applied.keys.filter { !known.contains($0) }.sorted()
        if !unknown.isEmpty {
            logger.warning(
                "the database has migrations this build does not know; a newer build may have run",
                ["versions": unknown.map(String.init).joined(separator: ",")])
        }
    }

    private func changed(_ migration: Migration) -> MigrationError {
        MigrationError(
            "\(component) migration \(migration.version) (\(migration.name)) was changed after it was applied; restore its original SQL and put the change in a new migration")
    }
}
