import Foundation
import IASPostgres
import TestSupport
import XCTest

/// Several statements in one round trip: each one's rows in order, one snapshot when asked,
/// and a failure that leaves the connection usable.
final class PipelineTests: XCTestCase {
    private func makeTable(_ pool: PostgresPool) throws -> String {
        let table = TestDatabase.uniqueName("pipe")
        try pool.withConnection { c in
            try c.execute("CREATE TABLE \(table) (id int PRIMARY KEY, note text)")
            try c.execute("INSERT INTO \(table) VALUES (1, 'one'), (2, 'two'), (3, NULL)")
        }
        return table
    }

    func testEachStatementsRowsComeBackInOrder() throws {
        let pool = try TestDatabase.pool()
        let table = try makeTable(pool)
        defer { TestDatabase.drop(table, in: pool); pool.close() }
        for _ in 0..<2 {   // the second time with the statements already prepared
            let results = try pool.withConnection { c in
                try c.query([
                    PostgresStatement("SELECT id, note FROM \(table) WHERE id >= $1 ORDER BY id", [2]),
                    PostgresStatement("SELECT id FROM \(table) WHERE id = $1", [99]),
                    PostgresStatement("SELECT count(*) AS n FROM \(table)"),
                ], isolation: .repeatableRead)
            }
            XCTAssertEqual(results.count, 3)
            XCTAssertEqual(try results[0].map { try $0.int("id") }, [2, 3])
            XCTAssertEqual(try results[0][1].optionalString("note"), nil)
            XCTAssertTrue(results[1].isEmpty)
            XCTAssertEqual(try results[2].first?.int("n"), 3)
        }
    }

    func testAFailingStatementThrowsItsErrorAndTheConnectionStaysUsable() throws {
        let pool = try TestDatabase.pool(poolSize: 1)
        let table = try makeTable(pool)
        defer { TestDatabase.drop(table, in: pool); pool.close() }
        try pool.withConnection { c in
            XCTAssertThrowsError(try c.query([
                PostgresStatement("SELECT id FROM \(table)"),
                PostgresStatement("SELECT 1 / (id - id) AS boom FROM \(table)"),
                PostgresStatement("SELECT id FROM \(table)"),
            ], isolation: .repeatableRead)) { error in
                XCTAssertEqual((error as? PostgresError)?.sqlState, "22012", "division by zero, not the skipped statements")
            }
            XCTAssertEqual(try c.query("SELECT count(*) AS n FROM \(table)").first?.int("n"), 3)
        }
    }

    func testInsideATransactionTheStatementsJoinIt() throws {
        let pool = try TestDatabase.pool()
        let table = try makeTable(pool)
        defer { TestDatabase.drop(table, in: pool); pool.close() }
        let seen = try pool.transaction { c -> Int in
            try c.execute("INSERT INTO \(table) VALUES (4, 'four')")
            let results = try c.query([PostgresStatement("SELECT count(*) AS n FROM \(table)")], isolation: .repeatableRead)
            try c.execute("INSERT INTO \(table) VALUES (5, 'five')")   // the transaction is still open
            return try results[0].first?.int("n") ?? -1
        }
        XCTAssertEqual(seen, 4)
        XCTAssertEqual(try pool.withConnection { try $0.query("SELECT count(*) AS n FROM \(table)").first?.int("n") }, 5)
    }
}
