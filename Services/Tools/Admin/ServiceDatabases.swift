import Foundation
import IASPostgres
import IASRuntime

/// The five service databases, read only: every read runs in one REPEATABLE READ, READ ONLY
/// transaction per database, so each database is seen as one snapshot and nothing is written.
struct ServiceDatabases {
    static let services = ["intake", "assessment", "plan", "costs", "coordination"]

    let urls: [String: String]

    /// IAS_<SERVICE>_DATABASE_URL, defaulting to the local stack's databases.
    static func fromEnvironment(_ reader: ConfigurationReader = ConfigurationReader()) -> ServiceDatabases {
        var urls: [String: String] = [:]
        for service in services {
            urls[service] = reader.string("IAS_\(service.uppercased())_DATABASE_URL", default: "postgresql://ias_\(service)@127.0.0.1:55432/ias_\(service)")
        }
        return ServiceDatabases(urls: urls)
    }

    func read<T>(_ service: String, _ body: (PostgresConnection) throws -> T) throws -> T {
        var configuration = PostgresConfiguration(url: urls[service]!)
        configuration.poolSize = 1
        configuration.applicationName = "ias-admin"
        configuration.statementTimeoutMs = 120_000
        let pool = PostgresPool(configuration: configuration, logger: Logger(label: "ias-admin", minimumLevel: .warning))
        defer { pool.close() }
        do {
            return try pool.transaction(isolation: .repeatableRead) { connection in
                try connection.execute("SET TRANSACTION READ ONLY")
                return try body(connection)
            }
        } catch {
            throw DatabaseReadError(service: service, underlying: error)
        }
    }
}

struct DatabaseReadError: Error, CustomStringConvertible {
    let service: String
    let underlying: Error
    var description: String { "cannot read the \(service) database: \(underlying)" }
}
