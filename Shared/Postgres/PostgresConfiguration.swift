import Foundation

/// How a `PostgresPool` connects. Settings given in the URL's query string
/// (`?application_name=...&connect_timeout=...`) take precedence over the fields below.
public struct PostgresConfiguration: Sendable {
    /// A libpq connection URI, e.g. `postgresql://user:pass@127.0.0.1:5432/ias_intake`.
    public var url: String
    /// Maximum open connections, idle and checked out together. Default 8.
    public var poolSize: Int = 8
    /// Seconds a caller waits for a free connection before `PostgresError(.unavailable)`. Default 2.
    public var checkoutTimeout: Double = 2
    /// libpq `connect_timeout` in seconds (libpq treats 1 as 2). Default 2.
    public var connectTimeoutSeconds: Int = 2
    /// `statement_timeout` set on each new session, in milliseconds; 0 disables it. Default 15 000.
    public var statementTimeoutMs: Int = 15_000
    /// libpq `application_name`, shown in `pg_stat_activity`. Default "ias".
    public var applicationName: String = "ias"

    public init(url: String) {
        self.url = url
    }
}
