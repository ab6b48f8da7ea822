import Foundation
import IASPostgres
import IASRuntime
import TestSupport
import XCTest

final class PoolTests: XCTestCase {
    func testPoolIsBoundedAndAThirdCallerWaitsForAFreeConnection() throws {
        let pool = try TestDatabase.pool(poolSize: 2, checkoutTimeout: 5)
        defer { pool.close() }
        let holding = DispatchSemaphore(value: 0)
        let group = DispatchGroup()
        let failures = Locked<[String]>([])
        let pids = Locked<Set<Int>>([])
        for _ in 0..<2 {
            TestDatabase.spawn(group) {
                do {
                    try pool.withConnection { connection in
                        pids.withLock { _ = $0.insert((try? connection.query("SELECT pg_backend_pid() AS pid").first?.int("pid")) ?? 0) }
                        holding.signal()
                        Thread.sleep(forTimeInterval: 0.6)
                    }
                } catch { failures.withLock { $0.append("\(error)") } }
            }
        }
        holding.wait()
        holding.wait()
        XCTAssertEqual(pool.statistics.open, 2)

        let waited = Locked<Double>(-1)
        let start = Date()
        TestDatabase.spawn(group) {
            do {
                try pool.withConnection { connection in
                    waited.withLock { $0 = Date().timeIntervalSince(start) }
                    pids.withLock { _ = $0.insert((try? connection.query("SELECT pg_backend_pid() AS pid").first?.int("pid")) ?? 0) }
                }
            } catch { failures.withLock { $0.append("\(error)") } }
        }
        Thread.sleep(forTimeInterval: 0.2)
        XCTAssertEqual(pool.statistics.waiting, 1, "the third caller waits")
        XCTAssertEqual(pool.statistics.open, 2, "no third connection is opened")
        XCTAssertEqual(group.wait(timeout: .now() + 10), .success)

        XCTAssertEqual(failures.current, [])
        XCTAssertGreaterThan(waited.current, 0.3, "the third caller got a connection only after a holder returned one")
        XCTAssertEqual(pids.current.count, 2, "the third caller reused one of the two connections")
        XCTAssertEqual(pool.statistics.open, 2)
        XCTAssertEqual(pool.statistics.idle, 2)
        XCTAssertEqual(pool.statistics.waiting, 0)
    }

    func testCheckoutTimesOutAsUnavailable() throws {
        let pool = try TestDatabase.pool(poolSize: 1, checkoutTimeout: 0.3)
        defer { pool.close() }
        let holding = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let group = DispatchGroup()
        TestDatabase.spawn(group) {
            _ = try? pool.withConnection { _ in
                holding.signal()
                release.wait()
            }
        }
        holding.wait()
        let start = Date()
        XCTAssertThrowsError(try pool.withConnection { _ in }) { error in
            XCTAssertEqual((error as? PostgresError)?.kind, .unavailable)
        }
        let elapsed = Date().timeIntervalSince(start)
        XCTAssertGreaterThanOrEqual(elapsed, 0.25)
        XCTAssertLessThan(elapsed, 1.5)
        release.signal()
        XCTAssertEqual(group.wait(timeout: .now() + 5), .success)
        XCTAssertNoThrow(try pool.withConnection { try $0.execute("SELECT 1") })
    }

    func testReconnectsAfterTheServerKilledAnIdleSession() throws {
        let pool = try TestDatabase.pool(poolSize: 1)
        let killer = try TestDatabase.pool(poolSize: 1)
        defer { pool.close(); killer.close() }
        let first = try pool.withConnection { try $0.query("SELECT pg_backend_pid() AS pid").first!.int("pid") }
        XCTAssertEqual(try killer.withConnection {
            try $0.query("SELECT pg_terminate_backend($1) AS done", [first]).first?.bool("done")
        }, true)
        try TestDatabase.waitUntilGone(pid: first, in: killer)

        // The first use may see the loss (.unavailable) or find the dead session at checkout;
        // either way the one after it works on a fresh session.
        do {
            _ = try pool.withConnection { try $0.query("SELECT 1") }
        } catch let error as PostgresError {
            XCTAssertEqual(error.kind, .unavailable)
        }
        let second = try pool.withConnection { try $0.query("SELECT pg_backend_pid() AS pid").first!.int("pid") }
        XCTAssertNotEqual(first, second)
        XCTAssertEqual(pool.statistics.open, 1)
    }

    func testStatementOnAKilledSessionIsUnavailableAndTheNextCheckoutWorks() throws {
        let pool = try TestDatabase.pool(poolSize: 1)
        let killer = try TestDatabase.pool(poolSize: 1)
        defer { pool.close(); killer.close() }
        XCTAssertThrowsError(try pool.withConnection { connection in
            let pid = try connection.query("SELECT pg_backend_pid() AS pid").first!.int("pid")
            try killer.withConnection { try $0.execute("SELECT pg_terminate_backend($1)", [pid]) }
            try TestDatabase.waitUntilGone(pid: pid, in: killer)
            try connection.execute("SELECT 1")
        }) { error in
            XCTAssertEqual((error as? PostgresError)?.kind, .unavailable, "\(error)")
        }
        XCTAssertEqual(pool.statistics.open, 0, "the lost connection was discarded")
        XCTAssertEqual(try pool.withConnection { try $0.query("SELECT 1 AS one").first?.int("one") }, 1)
    }

    func testUnreachableServerIsUnavailableQuickly() throws {
        // Port 1 on the loopback interface: nothing listens there, the connection is refused.
        var configuration = PostgresConfiguration(url: "postgresql://postgres@127.0.0.1:1/ias_test")
        configuration.poolSize = 2
        let pool = PostgresPool(configuration: configuration, logger: TestDatabase.logger)
        defer { pool.close() }
        let start = Date()
        XCTAssertThrowsError(try pool.withConnection { try $0.execute("SELECT 1") }) { error in
            XCTAssertEqual((error as? PostgresError)?.kind, .unavailable)
            XCTAssertTrue("\(error)".contains("unavailable"), "\(error)")
        }
        XCTAssertThrowsError(try pool.transaction { _ in }) { error in
            XCTAssertEqual((error as? PostgresError)?.kind, .unavailable)
        }
        XCTAssertFalse(pool.ping())
        XCTAssertLessThan(Date().timeIntervalSince(start), 3)
        XCTAssertEqual(pool.statistics.open, 0)
    }

    func testPingAndClose() throws {
        let pool = try TestDatabase.pool()
        XCTAssertTrue(pool.ping())
        pool.close()
        XCTAssertFalse(pool.ping())
        XCTAssertThrowsError(try pool.withConnection { _ in }) { error in
            XCTAssertEqual((error as? PostgresError)?.kind, .unavailable)
        }
    }

    func testSessionSettingsAndPreparedStatementReuse() throws {
        let pool = try TestDatabase.pool(poolSize: 1)
        let table = TestDatabase.uniqueName("prep")
        defer { TestDatabase.drop(table, in: pool); pool.close() }
        try pool.withConnection { connection in
            let settings = try XCTUnwrap(connection.query("""
                SELECT current_setting('statement_timeout') AS timeout, current_setting('application_name') AS app
                """).first)
            XCTAssertEqual(try settings.string("timeout"), "15s")
            XCTAssertEqual(try settings.string("app"), "ias-postgres-tests")

            try connection.execute("CREATE TABLE \(table) (id int)")
            for id in 0..<50 { try connection.execute("INSERT INTO \(table) VALUES ($1)", [id]) }
            let prepared = try connection.query(
                "SELECT count(*) AS n FROM pg_prepared_statements WHERE statement LIKE $1", ["INSERT INTO \(table)%"])
            XCTAssertEqual(try prepared.first?.int("n"), 1, "one prepared statement, reused 50 times")

            // Statements dropped behind the cache's back are prepared again.
            try connection.execute("DEALLOCATE ALL")
            XCTAssertEqual(try connection.execute("INSERT INTO \(table) VALUES ($1)", [50]), 1)

            // A prepared SELECT * whose table gains a column is prepared again, not failed.
            XCTAssertEqual(try connection.query("SELECT * FROM \(table) WHERE id = $1", [1]).first?.columnNames, ["id"])
            try connection.execute("ALTER TABLE \(table) ADD COLUMN note text")
            XCTAssertEqual(try connection.query("SELECT * FROM \(table) WHERE id = $1", [1]).first?.columnNames, ["id", "note"])
        }
    }
}
