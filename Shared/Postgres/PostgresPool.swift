import Foundation
import IASRuntime

/// A bounded set of connections shared by plain threads. Connections open lazily, are lent
/// to one caller at a time, and are discarded when their session is lost; callers that find
/// every connection in use wait up to `checkoutTimeout` and then get `.unavailable`.
public final class PostgresPool: @unchecked Sendable {
    public let configuration: PostgresConfiguration
    private let logger: Logger
    private let maximum: Int
    private let condition = MonotonicCondition()
    // Guarded by `condition`. No libpq call is made while it is held.
    private var idle: [PostgresConnection] = []
    private var open = 0  // idle, lent, and being opened
    private var waiting = 0
    private var closed = false

    /// Never throws and never connects: the first checkout opens the first connection.
    public init(configuration: PostgresConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        self.maximum = max(1, configuration.poolSize)
    }

    deinit { close() }

    /// Lends a connection to `body` and takes it back afterwards, whatever happens.
    @discardableResult
    public func withConnection<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        let connection = try checkout(timeout: configuration.checkoutTimeout)
        defer { checkin(connection) }
        return try body(connection)
    }

    /// BEGIN; body; COMMIT — or ROLLBACK when body throws (the error is rethrown). An error
    /// at COMMIT is thrown too, including a COMMIT the server turned into a ROLLBACK because a
    /// statement failed earlier in the transaction.
    @discardableResult
    public func transaction<T>(isolation: IsolationLevel = .readCommitted, _ body: (PostgresConnection) throws -> T) throws -> T {
        try withConnection { connection in
            try connection.control("BEGIN ISOLATION LEVEL \(isolation.sql)")
            let value: T
            do {
                value = try body(connection)
            } catch {
                connection.rollbackIfNeeded()
                throw error
            }
            if try connection.control("COMMIT") == "ROLLBACK" {
                throw PostgresError(
                    kind: .query, sqlState: "25P02",
                    message: "the transaction was rolled back at COMMIT because a statement in it had failed; let that statement's error end the transaction")
            }
            return value
        }
    }

    /// `SELECT 1` within about a second; false when the database cannot be reached (readiness).
    public func ping() -> Bool {
        guard let connection = try? checkout(timeout: min(1, configuration.checkoutTimeout)) else { return false }
        defer { checkin(connection) }
        return connection.ping(timeout: 1)
    }

    /// Closes idle connections now and lent ones when they come back; later checkouts fail.
    public func close() {
        condition.lock()
        closed = true
        let closing = idle
        idle = []
        open -= closing.count
        condition.broadcast()
        condition.unlock()
        closing.forEach { $0.close() }
    }

    public var statistics: (open: Int, idle: Int, waiting: Int) {
        condition.lock()
        defer { condition.unlock() }
        return (open, idle.count, waiting)
    }

    // MARK: - Checkout

    private enum Reservation {
        case reuse(PostgresConnection)
        case openNew
        case timedOut
        case closed
    }

    private func checkout(timeout: Double) throws -> PostgresConnection {
        let deadline = MonotonicClock.now() + timeout
        while true {
            switch reserve(until: deadline) {
            case .reuse(let connection):
                if connection.checkAlive() { return connection }
                logger.info("discarding a database connection the server closed while it was idle")
                release(connection)
            case .openNew:
                do {
                    return try PostgresConnection(configuration: configuration)
                } catch {
                    release(nil)
                    logger.warning("cannot open a database connection", ["error": String(describing: error)])
                    throw error
                }
            case .timedOut:
                throw PostgresError(
                    kind: .unavailable,
                    message: "no database connection became free within \(timeout) s (all \(maximum) in use); retry later, and raise the pool size or shorten transactions if this persists")
            case .closed:
                throw PostgresError(kind: .unavailable, message: "the connection pool is closed because the service is shutting down")
            }
        }
    }

    private func reserve(until deadline: Double) -> Reservation {
        condition.lock()
        defer { condition.unlock() }
        while true {
            if closed { return .closed }
            if let connection = idle.popLast() { return .reuse(connection) }
            if open < maximum {
                open += 1
                return .openNew
            }
            if MonotonicClock.now() >= deadline { return .timedOut }
            waiting += 1
            _ = condition.wait(until: deadline)
            waiting -= 1
        }
    }

    private func checkin(_ connection: PostgresConnection) {
        // A caller may leave a transaction open or failed; it must not leak into the next one.
        connection.rollbackIfNeeded()
        condition.lock()
        let keep = !closed && !connection.isBroken
        if keep { idle.append(connection) } else { open -= 1 }
        condition.signal()
        condition.unlock()
        if !keep {
            if connection.isBroken { logger.info("discarding a database connection whose session was lost") }
            connection.close()
        }
    }

    /// Gives up a slot: a connection that failed its check, or one that could not be opened.
    private func release(_ connection: PostgresConnection?) {
        condition.lock()
        open -= 1
        condition.signal()
        condition.unlock()
        connection?.close()
    }
}
