import Foundation
import IASRuntime
internal import CLibPQ

/// One libpq session. Not thread-safe: it lives in a `PostgresPool` and is lent to one
/// thread at a time, inside `withConnection` or `transaction` bodies only.
///
/// Every statement is parameterised (text format) and prepared once per connection under a
/// generated name, so repeated statements skip parsing and planning.
public final class PostgresConnection {
    /// Distinct statements prepared per connection; beyond this (generated SQL) statements
    /// run unnamed, which keeps server memory bounded.
    static let statementCacheLimit = 512

    // Internal rather than private: the pipeline (PostgresConnection+Pipeline.swift) shares them.
    var handle: OpaquePointer?
    var statements: [String: String] = [:]
    private var statementCounter = 0
    /// The session can no longer be trusted (lost, or a reply abandoned): the pool discards it.
    var isBroken = false

    /// Connects and prepares the session; fails within `connectTimeoutSeconds`.
    init(configuration: PostgresConfiguration) throws {
        // Fields first, URL last: settings in the URL's query string win.
        let settings: [(String, String)] = [
            ("connect_timeout", String(configuration.connectTimeoutSeconds)),
            ("application_name", configuration.applicationName),
            ("client_encoding", "UTF8"),
            // Notice a silently vanished server within about a minute instead of hours.
            ("keepalives", "1"), ("keepalives_idle", "30"), ("keepalives_interval", "10"), ("keepalives_count", "3"),
            ("dbname", configuration.url),
        ]
        let connection = withCStringArray(settings.map(\.0) + [nil]) { keys in
            withCStringArray(settings.map(\.1) + [nil]) { values in PQconnectdbParams(keys, values, 1) }
        }
        guard let connection else {
            throw PostgresError(kind: .unavailable, message: "libpq could not allocate a connection (out of memory)")
        }
        guard PQstatus(connection) == CONNECTION_OK else {
            let reason = Self.flatten(String(cString: PQerrorMessage(connection)))
            PQfinish(connection)
            throw PostgresError(
                kind: .unavailable,
                message: "cannot connect: \(reason); check that PostgreSQL is running and the database URL is right")
        }
        handle = connection
        // The server's NOTICEs (e.g. "relation already exists, skipping") would otherwise go to stderr.
        PQsetNoticeProcessor(connection, ignoreNotice, nil)
        // Fixed session settings make text values parse the same way whatever the server's defaults.
        try executeScript("""
            SET TimeZone TO 'UTC'; SET DateStyle TO 'ISO'; SET bytea_output TO 'hex'; \
            SET statement_timeout TO \(max(0, configuration.statementTimeoutMs))
            """)
    }

    deinit { close() }

    // MARK: - Statements

    /// Runs one statement and returns its rows.
    public func query(_ sql: String, _ parameters: [any PostgresBindable] = []) throws -> [PostgresRow] {
        try run(sql, parameters) { Self.rows(of: $0) }
    }

    /// Runs one statement and returns the number of rows it affected (0 when it reports none).
    @discardableResult
    public func execute(_ sql: String, _ parameters: [any PostgresBindable] = []) throws -> Int {
        try run(sql, parameters) { Int(String(cString: PQcmdTuples($0))) ?? 0 }
    }

    /// Runs several `;`-separated statements without parameters (simple protocol). For
    /// migrations only: nothing here may come from user input.
    func executeScript(_ sql: String) throws {
        let connection = try openHandle()
        let result = PQexec(connection, sql)
        defer { PQclear(result) }
        if let error = failure(of: result, connection, parameters: []) { throw error }
    }

    /// Runs a transaction-control statement and returns its command tag (e.g. "COMMIT", "ROLLBACK").
    @discardableResult
    func control(_ sql: String) throws -> String {
        let connection = try openHandle()
        let result = PQexec(connection, sql)
        defer { PQclear(result) }
        if let error = failure(of: result, connection, parameters: []) { throw error }
        return String(cString: PQcmdStatus(result))
    }

    private func run<T>(_ sql: String, _ parameters: [any PostgresBindable], _ read: (OpaquePointer) throws -> T) throws -> T {
        let texts = try Self.texts(of: parameters)
        let connection = try openHandle()
        var attempt = 0
        while true {
            attempt += 1
            let name = try preparedName(for: sql, connection, texts)
            let result = withCStringArray(texts) { values in
                if let name {
                    PQexecPrepared(connection, name, Int32(texts.count), values, nil, nil, 0)
                } else {
                    PQexecParams(connection, sql, Int32(texts.count), nil, values, nil, nil, 0)
                }
            }
            defer { PQclear(result) }
            if let error = failure(of: result, connection, parameters: texts) {
                // Retry at once when no transaction was aborted by the failure.
                if name != nil, forgetStaleStatements(after: error, sql: [sql]),
                   attempt == 1, PQtransactionStatus(connection) == PQTRANS_IDLE { continue }
                throw error
            }
            return try read(result!)
        }
    }

    /// The parameters as libpq text. A NUL cannot travel in PostgreSQL text (libpq's C strings
    /// would cut the value there), so it is refused, naming the parameter (and the statement
    /// of a pipeline).
    static func texts(of parameters: [any PostgresBindable], statement: Int? = nil) throws -> [String?] {
        let texts = parameters.map(\.postgresText)
        if let position = texts.firstIndex(where: { $0?.utf8.contains(0) == true }) {
            let place = statement.map { "statement \($0 + 1), parameter" } ?? "parameter"
            throw PostgresError(
                kind: .query,
                message: "\(place) $\(position + 1) contains a NUL character, which PostgreSQL text cannot hold; remove it before storing")
        }
        return texts
    }

    /// True when `error` says prepared statements went stale, which are then forgotten so
    /// that their next use prepares them again. 0A000 "cached plan must not change result
    /// type": a table changed under the statement. 26000: the session's statements were
    /// dropped (DISCARD ALL).
    func forgetStaleStatements(after error: PostgresError, sql: [String]) -> Bool {
        switch error.sqlState {
        case "26000": statements = [:]
        case "0A000": sql.forEach { statements[$0] = nil }
        default: return false
        }
        return true
    }

    func preparedName(for sql: String, _ connection: OpaquePointer, _ texts: [String?]) throws -> String? {
        if let name = statements[sql] { return name }
        guard statements.count < Self.statementCacheLimit else { return nil }
        statementCounter += 1
        let name = "ias_\(statementCounter)"
        let result = PQprepare(connection, name, sql, 0, nil)
        defer { PQclear(result) }
        if let error = failure(of: result, connection, parameters: texts) { throw error }
        statements[sql] = name
        return name
    }

    static func rows(of result: OpaquePointer) -> [PostgresRow] {
        let rowCount = PQntuples(result)
        let fieldCount = PQnfields(result)
        var columns: [String: Int] = [:]
        for field in 0..<fieldCount {
            let name = String(cString: PQfname(result, field))
            if columns[name] == nil { columns[name] = Int(field) }  // the first of duplicate names wins
        }
        var rows: [PostgresRow] = []
        rows.reserveCapacity(Int(rowCount))
        for row in 0..<rowCount {
            var values: [String?] = []
            values.reserveCapacity(Int(fieldCount))
            for field in 0..<fieldCount {
                values.append(PQgetisnull(result, row, field) == 1 ? nil : String(cString: PQgetvalue(result, row, field)))
            }
            rows.append(PostgresRow(columns: columns, values: values))
        }
        return rows
    }

    // MARK: - Errors

    func openHandle() throws -> OpaquePointer {
        guard let handle, !isBroken else {
            throw PostgresError(kind: .unavailable, message: "the connection was closed after an earlier failure; retry, a new one will be opened")
        }
        return handle
    }

    /// nil when the result is a success; otherwise the error, with the connection marked
    /// broken when the session is gone.
    func failure(of result: OpaquePointer?, _ connection: OpaquePointer, parameters: [String?]) -> PostgresError? {
        let status = result.map { PQresultStatus($0) }
        if status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_EMPTY_QUERY { return nil }
        if PQstatus(connection) == CONNECTION_BAD {
            isBroken = true
            let reason = PostgresError.redact(Self.flatten(String(cString: PQerrorMessage(connection))), parameters: parameters)
            return PostgresError(
                kind: .unavailable,
                message: "the connection was lost (\(reason)); whether the statement ran is unknown, the next attempt opens a new connection")
        }
        guard let result else {
            isBroken = true
            return PostgresError(kind: .unavailable, message: "libpq returned no result (out of memory); the connection is discarded")
        }
        if status == PGRES_COPY_IN || status == PGRES_COPY_OUT || status == PGRES_COPY_BOTH {
            isBroken = true  // the session now waits for COPY data that will never come
            return PostgresError(kind: .query, message: "COPY is not supported by this client; use INSERT or SELECT")
        }
        let sqlState = Self.field(result, "C")
        let primary = Self.field(result, "M") ?? Self.flatten(String(cString: PQresultErrorMessage(result)))
        let message = PostgresError.redact(primary, parameters: parameters)
        // Class 08 (connection exception) and 57P0x (server shutting down) mean the database, not the statement, failed.
        if let sqlState, sqlState.hasPrefix("08") || sqlState.hasPrefix("57P0") {
            isBroken = true
            return PostgresError(kind: .unavailable, sqlState: sqlState, message: message)
        }
        return PostgresError(kind: .query, sqlState: sqlState, constraint: Self.field(result, "n"), message: message)
    }

    /// A field of an error result, by its single-letter code (PG_DIAG_*).
    private static func field(_ result: OpaquePointer, _ code: Unicode.Scalar) -> String? {
        guard let value = PQresultErrorField(result, Int32(code.value)) else { return nil }
        return String(cString: value)
    }

    /// libpq messages span lines ("...failed: Connection refused\n\tIs the server running..."); logs want one.
    static func flatten(_ text: String) -> String {
        text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    // MARK: - Session state (used by the pool)

    /// Reads, without blocking, whatever the server sent while the connection sat in the pool;
    /// a session the server has terminated shows up here as a closed connection.
    func checkAlive() -> Bool {
        guard let handle, !isBroken else { return false }
        if PQconsumeInput(handle) == 0 || PQstatus(handle) == CONNECTION_BAD {
            isBroken = true
            return false
        }
        return true
    }

    /// Ends an open or failed transaction; a connection that cannot do so is marked broken.
    func rollbackIfNeeded() {
        guard let handle, !isBroken else { return }
        switch PQtransactionStatus(handle) {
        case PQTRANS_IDLE: return
        case PQTRANS_INTRANS, PQTRANS_INERROR:
            if (try? control("ROLLBACK")) == nil { isBroken = true }
        default:
            isBroken = true
        }
    }

    /// `SELECT 1`, waiting at most `timeout` seconds for the answer. Uses libpq's asynchronous
    /// calls so that a hung server cannot block a readiness probe; on timeout the connection,
    /// with its reply still pending, is marked broken.
    func ping(timeout: Double) -> Bool {
        guard let handle, !isBroken else { return false }
        guard PQsendQuery(handle, "SELECT 1") == 1 else {
            isBroken = PQstatus(handle) == CONNECTION_BAD
            return false
        }
        let deadline = MonotonicClock.now() + timeout
        var ok = false
        while true {
            if PQisBusy(handle) == 0 {
                guard let result = PQgetResult(handle) else { return ok }
                ok = PQresultStatus(result) == PGRES_TUPLES_OK
                PQclear(result)
                continue
            }
            let remaining = deadline - MonotonicClock.now()
            var descriptor = pollfd(fd: PQsocket(handle), events: Int16(POLLIN), revents: 0)
            let polled = remaining > 0 ? poll(&descriptor, 1, Int32(remaining * 1000) + 1) : -1
            if remaining <= 0 || (polled < 0 && errno != EINTR) || PQconsumeInput(handle) == 0 {
                isBroken = true
                return false
            }
        }
    }

    /// Closes the session; later statements throw `.unavailable`.
    func close() {
        if let handle { PQfinish(handle) }
        handle = nil
        isBroken = true
    }
}

/// Discards server NOTICE/WARNING messages (libpq prints them to stderr by default).
private func ignoreNotice(_ context: UnsafeMutableRawPointer?, _ message: UnsafePointer<CChar>?) {}
