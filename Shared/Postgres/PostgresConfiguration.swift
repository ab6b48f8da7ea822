import Foundation

/// How a `PostgresPool` connects. Settings given in the URL's query string
/// (`?application_name=...&connect_timeout=...`) take precedence over the fields below.
public struct PostgresConfiguration: Sendable {
    /// A libpq connection URI, e.g. `postgresql://user:pass@127.0.0.1:5432/ias_intake`.
    public var url: String
    /// Maximum open connections, idle and checked out together. Default `defaultPoolSize`.
    public var poolSize: Int = PostgresConfiguration.defaultPoolSize
    /// Seconds a caller waits for a free connection before `PostgresError(.unavailable)`. Default 2.
    public var checkoutTimeout: Double = 2
    /// libpq `connect_timeout` in seconds (libpq treats 1 as 2). Default 2.
    public var connectTimeoutSeconds: Int = 2
    /// `statement_timeout` set on each new session, in milliseconds; 0 disables it. Default 15 000.
    public var statementTimeoutMs: Int = 15_000
    /// libpq `application_name`, shown in `pg_stat_activity`. Default "ias".
    public var applicationName: String = "ias"

    /// Two connections per core, plus two, at least six (6 on a 2-core machine).
    ///
    /// A transaction here is a few short statements and a commit waiting for the WAL flush;
    /// beyond about two running statements per core (PostgreSQL's rule of thumb: cores × 2 +
    /// disks) more connections only queue inside the server, costing memory and lock
    /// contention, instead of in the pool. A service's pool serves its consumers (one
    /// connection per batch, up to three consumers), the outbox relay, a scheduled job and the
    /// HTTP requests (which wait up to `checkoutTimeout`): the two extra connections and the
    /// floor of six keep room for requests while those workers are busy. The cores counted are
    /// this process's, the database's only when both share a machine: set
    /// `IAS_DATABASE_POOL_SIZE` otherwise.
    public static var defaultPoolSize: Int { max(6, 2 * ProcessInfo.processInfo.activeProcessorCount + 2) }

    public init(url: String) {
        self.url = url
    }
}
