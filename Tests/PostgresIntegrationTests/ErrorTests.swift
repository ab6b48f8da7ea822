import Foundation
import IASPostgres
import TestSupport
import XCTest

final class ErrorTests: XCTestCase {
    func testUniqueViolationCarriesStateAndConstraintButNotTheValue() throws {
        let pool = try TestDatabase.pool()
        let table = TestDatabase.uniqueName("uniq")
        defer { TestDatabase.drop(table, in: pool); pool.close() }
        let email = "hans.muster+secret@example.ch"
        try pool.withConnection { connection in
            try connection.execute("CREATE TABLE \(table) (email text CONSTRAINT \(table)_email_key UNIQUE)")
            try connection.execute("INSERT INTO \(table) (email) VALUES ($1)", [email])
        }
        XCTAssertThrowsError(try pool.withConnection {
            try $0.execute("INSERT INTO \(table) (email) VALUES ($1)", [email])
        }) { error in
            guard let error = error as? PostgresError else { return XCTFail("unexpected \(error)") }
            XCTAssertEqual(error.kind, .query)
            XCTAssertEqual(error.sqlState, "23505")
            XCTAssertTrue(error.isUniqueViolation)
            XCTAssertFalse(error.isSerializationFailure)
            XCTAssertEqual(error.constraint, "\(table)_email_key")
            XCTAssertTrue(error.description.contains("23505"))
            XCTAssertFalse(error.description.contains("hans.muster"), error.description)
            XCTAssertFalse(error.description.contains("DETAIL"), error.description)
        }
    }

    func testInvalidInputDoesNotEchoTheParameter() throws {
        let pool = try TestDatabase.pool()
        defer { pool.close() }
        let secret = "Anna Beispiel 1987-03-04"
        for (sql, state) in [("SELECT $1::uuid", "22P02"), ("SELECT $1::date", "22007"), ("SELECT $1::int", "22P02"), ("SELECT $1::jsonb", "22P02")] {
            XCTAssertThrowsError(try pool.withConnection { try $0.query(sql, [secret]) }) { error in
                let error = error as? PostgresError
                XCTAssertEqual(error?.kind, .query)
                XCTAssertEqual(error?.sqlState, state, sql)
                XCTAssertFalse("\(String(describing: error))".contains(secret), "\(String(describing: error))")
                XCTAssertFalse("\(String(describing: error))".contains("Anna"), "\(String(describing: error))")
            }
        }
        XCTAssertThrowsError(try pool.withConnection { try $0.query("SELECT $1::int", ["99999999999"]) }) { error in
            XCTAssertFalse("\(error)".contains("99999999999"), "\(error)")
        }
    }

    func testSyntaxErrorIsAQueryErrorAndTheConnectionStaysUsable() throws {
        let pool = try TestDatabase.pool(poolSize: 1)
        defer { pool.close() }
        XCTAssertThrowsError(try pool.withConnection { try $0.execute("SELEC 1") }) { error in
            XCTAssertEqual((error as? PostgresError)?.kind, .query)
            XCTAssertEqual((error as? PostgresError)?.sqlState, "42601")
        }
        XCTAssertThrowsError(try pool.withConnection { try $0.query("SELECT * FROM relation_that_does_not_exist") }) { error in
            XCTAssertEqual((error as? PostgresError)?.sqlState, "42P01")
            XCTAssertTrue("\(error)".contains("relation_that_does_not_exist"), "identifiers stay in the message: \(error)")
        }
        XCTAssertEqual(try pool.withConnection { try $0.query("SELECT 1 AS one").first?.int("one") }, 1)
        XCTAssertEqual(pool.statistics.open, 1)
    }

    func testNulCharacterIsRejectedBeforeSending() throws {
        let pool = try TestDatabase.pool()
        defer { pool.close() }
        XCTAssertThrowsError(try pool.withConnection { try $0.query("SELECT $1::text", ["a\u{0}b"]) }) { error in
            XCTAssertEqual((error as? PostgresError)?.kind, .query)
            XCTAssertTrue("\(error)".contains("$1"))
        }
    }

    func testServerNoticesAreNotPrinted() throws {
        let pool = try TestDatabase.pool()
        defer { pool.close() }
        // Capture this process's stderr while the server sends a NOTICE ("... does not exist, skipping").
        let pipe = Pipe()
        let saved = dup(2)
        dup2(pipe.fileHandleForWriting.fileDescriptor, 2)
        let result = Result {
            try pool.withConnection { try $0.execute("DROP TABLE IF EXISTS table_that_never_existed_\(UUID().uuidString.prefix(8))") }
        }
        fflush(nil)  // all C streams, stderr included
        dup2(saved, 2)
        close(saved)
        try pipe.fileHandleForWriting.close()
        let printed = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        _ = try result.get()
        XCTAssertFalse(printed.contains("NOTICE"), printed)
    }
}
