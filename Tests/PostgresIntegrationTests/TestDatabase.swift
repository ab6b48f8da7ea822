import Foundation
import IASPostgres
import IASRuntime

/// The PostgreSQL these tests run against, named by `IAS_TEST_DATABASE_URL`. Without it
/// the tests fail (never skip), so a run that checked nothing cannot pass as green.
enum TestDatabase {
    struct NotConfigured: Error, CustomStringConvertible {
        let description = """
            IAS_TEST_DATABASE_URL is not set: start a PostgreSQL server and set it, \
            e.g. IAS_TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/ias_test
            """
    }

    static let logger = Logger(label: "postgres-integration-tests", minimumLevel: .error)

    static func url() throws -> String {
        guard let url = ProcessInfo.processInfo.environment["IAS_TEST_DATABASE_URL"], !url.isEmpty else {
            throw NotConfigured()
        }
        return url
    }

    static func pool(poolSize: Int = 4, checkoutTimeout: Double = 2) throws -> PostgresPool {
        var configuration = PostgresConfiguration(url: try url())
        configuration.poolSize = poolSize
        configuration.checkoutTimeout = checkoutTimeout
        configuration.applicationName = "ias-postgres-tests"
        return PostgresPool(configuration: configuration, logger: logger)
    }

    /// A table or component name no other test (or earlier run) uses.
    static func uniqueName(_ prefix: String) -> String {
        prefix + "_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(12)
    }

    static func drop(_ table: String, in pool: PostgresPool) {
        _ = try? pool.withConnection { try $0.execute("DROP TABLE IF EXISTS \(table)") }
    }

    /// Runs `body` on a new thread at once (a dispatch queue may delay it while other work blocks).
    static func spawn(_ group: DispatchGroup, _ body: @escaping @Sendable () -> Void) {
        group.enter()
        Thread {
            body()
            group.leave()
        }.start()
    }

    /// Waits until the server has really ended a terminated backend (pg_terminate_backend only signals it).
    static func waitUntilGone(pid: Int, in pool: PostgresPool) throws {
        for _ in 0..<100 {
            let alive = try pool.withConnection {
                try $0.query("SELECT count(*) AS n FROM pg_stat_activity WHERE pid = $1", [pid]).first?.int("n") ?? 0
            }
            if alive == 0 { return }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw PostgresError(kind: .query, message: "backend \(pid) still runs 5 s after pg_terminate_backend")
    }
}

/// A failure thrown by test bodies.
struct Boom: Error, Equatable {}
