import Foundation
import IASPostgres
import IASRuntime

/// The empty database of a drain instance, beside the live one on the same server: created
/// with the live database's owner (the service's role, which owns only its databases) and
/// closed to other roles, as deploy/local/lib.sh creates the live ones; dropped afterwards.
struct DrainDatabase {
    let address: String
    let live: String
    var name: String { live + "_drain" }

    init(address: String, live: String) { self.address = address; self.live = live }

    func url(database: String, user: String = "postgres") -> String { "postgresql://\(user)@\(address)/\(database)" }

    private func admin<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        let pool = PostgresPool(configuration: PostgresConfiguration(url: url(database: "postgres")), logger: .bench)
        defer { pool.close() }
        return try pool.withConnection(body)
    }

    /// Creates it empty (dropping one an interrupted run left); returns the owner's role.
    func create() throws -> String {
        try admin { c in
            guard let owner = try c.query("SELECT pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = $1", [live])
                .first?.string("owner") else {
                throw BenchError("the live database \(live) does not exist on \(address); the drain copies its owner from it")
            }
            try c.execute("DROP DATABASE IF EXISTS \(PostgresConnection.quotedIdentifier(name)) WITH (FORCE)")
            try c.execute("CREATE DATABASE \(PostgresConnection.quotedIdentifier(name)) OWNER \(PostgresConnection.quotedIdentifier(owner))")
            try c.execute("REVOKE CONNECT ON DATABASE \(PostgresConnection.quotedIdentifier(name)) FROM PUBLIC")
            return owner
        }
    }

    func drop() throws {
        try admin { c in _ = try c.execute("DROP DATABASE IF EXISTS \(PostgresConnection.quotedIdentifier(name)) WITH (FORCE)") }
    }

    /// `SELECT count(*)` of `table` in `database`, grouped by `column` when given.
    func count(_ table: String, in database: String, by column: String? = nil) throws -> [String: Int] {
        let pool = PostgresPool(configuration: PostgresConfiguration(url: url(database: database)), logger: .bench)
        defer { pool.close() }
        return try pool.withConnection { c in
            let key = column.map { "\(PostgresConnection.quotedIdentifier($0))::text" } ?? "''"
            var counts: [String: Int] = [:]
            for row in try c.query("SELECT \(key) AS k, count(*) AS n FROM \(PostgresConnection.quotedIdentifier(table)) GROUP BY 1") {
                counts[try row.string("k")] = try row.int("n")
            }
            return counts
        }
    }
}
