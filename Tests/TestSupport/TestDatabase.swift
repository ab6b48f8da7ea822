import Foundation
import IASPostgres
import IASRuntime

/// The PostgreSQL server of `make test`: the scratch database `ias_test`, fresh databases made
/// beside it for one test class, and the service databases as their owner would see them.
public enum TestDatabase {
    public static let logger = Logger(label: "test-database", minimumLevel: .error)

    /// The superuser's URL of `database` on the test server (default: the scratch database).
    public static func url(_ database: String? = nil) throws -> String {
        let scratch = try TestEnvironment.databaseURL
        guard let database else { return scratch }
        guard let slash = scratch.lastIndex(of: "/") else { throw TestFailure("IAS_TEST_DATABASE_URL names no database: \(scratch)") }
        return scratch[..<slash] + "/" + database
    }

    /// A pool on `database` (default: the scratch database) as the superuser.
    public static func pool(_ database: String? = nil, poolSize: Int = 4, checkoutTimeout: Double = 2) throws -> PostgresPool {
        var configuration = PostgresConfiguration(url: try url(database))
        configuration.poolSize = poolSize
        configuration.checkoutTimeout = checkoutTimeout
        configuration.applicationName = "ias-postgres-tests"
        return PostgresPool(configuration: configuration, logger: logger)
    }

    /// Runs `body` on one connection to `database` as the superuser (to look behind a service).
    public static func withConnection<T>(to database: String, _ body: (PostgresConnection) throws -> T) throws -> T {
        let pool = try pool(database, poolSize: 1)
        defer { pool.close() }
        return try pool.withConnection(body)
    }

    /// Creates an empty database named `prefix_<random>`, owned by the role `owner` when given
    /// (as deploy/postgres makes a service database for its owner role), and returns its name.
    public static func create(_ prefix: String, owner: String? = nil) throws -> String {
        let name = uniqueName(prefix)
        let admin = try pool(poolSize: 1)
        defer { admin.close() }
        // The name is made here and the owner is a role name of the tests, neither is input.
        try admin.withConnection { try $0.execute("CREATE DATABASE \(name)" + (owner.map { " OWNER \($0)" } ?? "")) }
        return name
    }

    /// A pool on a new database with `migrations` applied (component by component, in order).
    public static func fresh(_ prefix: String, poolSize: Int = 4, migrations: [(component: String, migrations: [Migration])]) throws -> PostgresPool {
        let pool = try pool(try create(prefix), poolSize: poolSize)
        for (component, list) in migrations {
            _ = try Migrator(pool: pool, component: component, migrations: list, logger: logger).migrate()
        }
        return pool
    }

    /// A table, component or database name no other test (or earlier run) uses.
    public static func uniqueName(_ prefix: String) -> String {
        prefix + "_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(12)
    }

    public static func drop(_ table: String, in pool: PostgresPool) {
        _ = try? pool.withConnection { try $0.execute("DROP TABLE IF EXISTS \(table)") }
    }

    /// Waits until the server has really ended a terminated backend (pg_terminate_backend only signals it).
    public static func waitUntilGone(pid: Int, in pool: PostgresPool) throws {
        let gone = try eventually(within: 5) { () -> Bool? in
            try pool.withConnection {
                try $0.query("SELECT count(*) AS n FROM pg_stat_activity WHERE pid = $1", [pid]).first?.int("n") ?? 0
            } == 0 ? true : nil
        }
        guard gone == true else { throw PostgresError(kind: .query, message: "backend \(pid) still runs 5 s after pg_terminate_backend") }
    }
}
