import Foundation
import IASPostgres
import TestSupport
import XCTest

final class TransactionTests: XCTestCase {
    private func makeTable(_ pool: PostgresPool) throws -> String {
        let table = TestDatabase.uniqueName("tx")
        try pool.withConnection { try $0.execute("CREATE TABLE \(table) (id int PRIMARY KEY, note text)") }
        return table
    }

    private func count(_ table: String, _ pool: PostgresPool) throws -> Int {
        try pool.withConnection { try $0.query("SELECT count(*) AS n FROM \(table)").first?.int("n") ?? -1 }
    }

    func testCommitMakesRowsVisibleToOtherConnections() throws {
        let pool = try TestDatabase.pool()
        let table = try makeTable(pool)
        defer { TestDatabase.drop(table, in: pool); pool.close() }
        let result = try pool.transaction { connection -> Int in
            try connection.execute("INSERT INTO \(table) VALUES ($1, $2)", [1, "one"])
            return try connection.execute("INSERT INTO \(table) VALUES ($1, $2), ($3, $4)", [2, "two", 3, "three"])
        }
        XCTAssertEqual(result, 2)
        XCTAssertEqual(try count(table, pool), 3)
    }

    func testThrowingBodyRollsBackAndRethrows() throws {
        let pool = try TestDatabase.pool()
        let table = try makeTable(pool)
        defer { TestDatabase.drop(table, in: pool); pool.close() }
        XCTAssertThrowsError(try pool.transaction { connection in
            try connection.execute("INSERT INTO \(table) VALUES ($1, $2)", [1, "one"])
            throw Boom()
        }) { error in
            XCTAssertEqual(error as? Boom, Boom())
        }
        XCTAssertEqual(try count(table, pool), 0)
        XCTAssertEqual(pool.statistics.open, pool.statistics.idle, "the connection went back to the pool")
    }

    func testSwallowedStatementErrorFailsTheCommit() throws {
        let pool = try TestDatabase.pool()
        let table = try makeTable(pool)
        defer { TestDatabase.drop(table, in: pool); pool.close() }
        XCTAssertThrowsError(try pool.transaction { connection in
            try connection.execute("INSERT INTO \(table) VALUES ($1, $2)", [1, "one"])
            _ = try? connection.execute("INSERT INTO \(table) VALUES ($1, $2)", [1, "duplicate"])
        }) { error in
            XCTAssertEqual((error as? PostgresError)?.kind, .query)
        }
        XCTAssertEqual(try count(table, pool), 0)
    }

    func testIsolationLevelIsApplied() throws {
        let pool = try TestDatabase.pool()
        defer { pool.close() }
        let levels: [(IsolationLevel, String)] = [(.readCommitted, "read committed"), (.repeatableRead, "repeatable read"), (.serializable, "serializable")]
        for (level, name) in levels {
            let shown = try pool.transaction(isolation: level) {
                try $0.query("SELECT current_setting('transaction_isolation') AS level").first?.string("level")
            }
            XCTAssertEqual(shown, name)
        }
    }

    func testConnectionReturnedInsideATransactionIsRolledBack() throws {
        let pool = try TestDatabase.pool(poolSize: 1)
        let table = try makeTable(pool)
        defer { TestDatabase.drop(table, in: pool); pool.close() }
        try pool.withConnection { connection in
            try connection.execute("BEGIN")
            try connection.execute("INSERT INTO \(table) VALUES ($1, $2)", [1, "left open"])
        }
        try pool.withConnection { connection in
            try connection.execute("BEGIN")
            _ = try? connection.execute("SELECT 1/0")  // leaves the transaction failed
        }
        XCTAssertEqual(try count(table, pool), 0)
        // SAVEPOINT is refused outside a transaction block: the next borrower starts outside one.
        XCTAssertThrowsError(try pool.withConnection { try $0.execute("SAVEPOINT probe") }) { error in
            XCTAssertEqual((error as? PostgresError)?.sqlState, "25P01", "\(error)")
        }
    }
}
