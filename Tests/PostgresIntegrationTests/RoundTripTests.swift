import Foundation
import IASPostgres
import IASRuntime
import TestSupport
import XCTest

final class RoundTripTests: XCTestCase {
    struct Payload: Codable, Equatable {
        let name: String
        let born: CalendarDate
        let seenAt: Date
        let tags: [String]
    }

    func testEveryBindableTypeRoundTripsThroughATable() throws {
        let pool = try TestDatabase.pool()
        let table = TestDatabase.uniqueName("roundtrip")
        defer { TestDatabase.drop(table, in: pool); pool.close() }
        try pool.withConnection { connection in
            try connection.execute("""
                CREATE TABLE \(table) (
                    s text, i int8, i32 int4, i64 int8, b bool, d float8, u uuid, ts timestamptz,
                    day date, j jsonb, raw bytea,
                    ns text, ni int8, nb bool, nd float8, nu uuid, nts timestamptz, nday date, nj jsonb, nraw bytea)
                """)
        }
        let text = "O'Brien \"quoted\" '); DROP TABLE \(table); -- Zürich 🇨🇭 日本語 \\ $1"
        let id = UUID()
        let instant = Date(timeIntervalSince1970: 1_700_000_000.123456)
        let day = CalendarDate(year: 2024, month: 2, day: 29)!
        let payload = Payload(name: "Ämélie \"x\" '", born: day, seenAt: Date(timeIntervalSince1970: 1_600_000_000.5), tags: ["a", "b"])
        let bytes: [UInt8] = [0, 1, 0x7f, 0x80, 0xfe, 0xff]
        let none: String? = nil

        let inserted = try pool.withConnection { connection in
            try connection.execute(
                """
                INSERT INTO \(table) (s, i, i32, i64, b, d, u, ts, day, j, raw, ns, ni, nb, nd, nu, nts, nday, nj, nraw)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)
                """,
                [text, Int.max, Int32.min, Int64.min, true, 0.1 + 0.2, id, instant, day, try PostgresJSON(payload), bytes,
                 none, nil as Int?, nil as Bool?, nil as Double?, nil as UUID?, nil as Date?, nil as CalendarDate?,
                 nil as PostgresJSON?, nil as [UInt8]?])
        }
        XCTAssertEqual(inserted, 1)

        let rows = try pool.withConnection { try $0.query("SELECT * FROM \(table)") }
        XCTAssertEqual(rows.count, 1, "the quoted text must not have been spliced into the statement")
        let row = try XCTUnwrap(rows.first)
        XCTAssertEqual(try row.string("s"), text)
        XCTAssertEqual(try row.int("i"), Int.max)
        XCTAssertEqual(try row.int("i32"), Int(Int32.min))
        XCTAssertEqual(try row.int("i64"), Int(Int64.min))
        XCTAssertEqual(try row.bool("b"), true)
        XCTAssertEqual(try row.double("d"), 0.1 + 0.2)
        XCTAssertEqual(try row.uuid("u"), id)
        XCTAssertEqual(try row.date("ts").timeIntervalSince1970, instant.timeIntervalSince1970, accuracy: 1e-6)
        XCTAssertEqual(try row.calendarDate("day"), day)
        XCTAssertEqual(try row.json(Payload.self, "j"), payload)
        XCTAssertEqual(try row.bytes("raw"), bytes)

        for column in ["ns", "ni", "nb", "nd", "nu", "nts", "nday", "nj", "nraw"] {
            XCTAssertNil(row[column], "\(column) should be NULL")
        }
        XCTAssertNil(try row.optionalString("ns"))
        XCTAssertNil(try row.optionalInt("ni"))
        XCTAssertNil(try row.optionalUUID("nu"))
        XCTAssertNil(try row.optionalDate("nts"))
        XCTAssertNil(try row.optionalCalendarDate("nday"))
        XCTAssertEqual(try row.optionalString("s"), text)
        XCTAssertEqual(try row.optionalUUID("u"), id)

        let count = try pool.withConnection { try $0.query("SELECT count(*) AS n FROM \(table)").first?.int("n") }
        XCTAssertEqual(count, 1, "the table still exists: the DROP inside the value never ran")
    }

    func testTrickyValuesEchoUnchanged() throws {
        let pool = try TestDatabase.pool()
        defer { pool.close() }
        let values = ["", "'", "''", "\"", "\\", "\\x00", "a'b\"c\\d", "'; SELECT pg_sleep(10); --", "$1 $2", "Grüezi 👋🏽 ñ € 中文", "line\nbreak\ttab"]
        try pool.withConnection { connection in
            for value in values {
                let row = try XCTUnwrap(connection.query("SELECT $1::text AS v, $1::text IS NULL AS isnull", [value]).first)
                XCTAssertEqual(try row.string("v"), value)
                XCTAssertFalse(try row.bool("isnull"), "an empty string is not NULL")
            }
            let null = try XCTUnwrap(connection.query("SELECT $1::text AS v", [nil as String?]).first)
            XCTAssertNil(null["v"])
        }
    }

    /// A list is one array parameter: every element arrives as it was, whatever it holds, in
    /// its order, with NULL for nil, and an empty list is an empty array.
    func testListsArriveAsArraysElementByElement() throws {
        let pool = try TestDatabase.pool()
        defer { pool.close() }
        let values = ["", "'", "\"", "\\", "a,b", "{x}", "NULL", "null", " padded ", "a'b\"c\\d", "Grüezi 👋🏽", "line\nbreak"]
        try pool.withConnection { connection in
            let rows = try connection.query("SELECT v, v IS NULL AS isnull FROM unnest($1::text[]) WITH ORDINALITY AS a (v, n) ORDER BY n",
                                            [PostgresArray(values.map(Optional.some) + [nil])])
            XCTAssertEqual(try rows.dropLast().map { try $0.string("v") }, values)
            XCTAssertEqual(try rows.map { try $0.bool("isnull") }, Array(repeating: false, count: values.count) + [true], "\"NULL\" is text, nil is NULL")
            let ids = [UUID(), UUID()]
            let found = try connection.query("SELECT count(*) AS n FROM unnest($1::uuid[]) AS id WHERE id = ANY($2::uuid[])",
                                             [PostgresArray(ids), PostgresArray(ids.prefix(1))])
            XCTAssertEqual(try found[0].int("n"), 1)
            let empty = try connection.query("SELECT cardinality($1::bigint[]) AS n", [PostgresArray([Int]())])
            XCTAssertEqual(try empty[0].int("n"), 0)
            let dates = try connection.query("SELECT max(d)::text AS d FROM unnest($1::date[]) AS d",
                                             [PostgresArray([CalendarDate("2026-01-02")!, CalendarDate("2025-12-31")!])])
            XCTAssertEqual(try dates[0].string("d"), "2026-01-02")
        }
    }

    func testNumbersAndSpecialValues() throws {
        let pool = try TestDatabase.pool()
        defer { pool.close() }
        try pool.withConnection { connection in
            for value in [0.0, -0.5, 1e-300, 1.7976931348623157e308, 123456.789, .infinity, -.infinity] {
                let row = try XCTUnwrap(connection.query("SELECT $1::float8 AS v", [value]).first)
                XCTAssertEqual(try row.double("v"), value)
            }
            XCTAssertTrue(try XCTUnwrap(connection.query("SELECT $1::float8 AS v", [Double.nan]).first).double("v").isNaN)
            let row = try XCTUnwrap(connection.query(
                "SELECT $1::int4 AS a, $2::int8 AS b, $3::bool AS c, $4::bool AS d", [Int32.max, Int64.max, true, false]).first)
            XCTAssertEqual(try row.int("a"), Int(Int32.max))
            XCTAssertEqual(try row.int("b"), Int(Int64.max))
            XCTAssertEqual(try row.bool("c"), true)
            XCTAssertEqual(try row.bool("d"), false)
            let empty = try XCTUnwrap(connection.query("SELECT $1::bytea AS v", [[UInt8]()]).first)
            XCTAssertEqual(try empty.bytes("v"), [])
        }
    }

    func testTimestampsReadAsUTCWhateverTheOffsetWritten() throws {
        let pool = try TestDatabase.pool()
        defer { pool.close() }
        try pool.withConnection { connection in
            let row = try XCTUnwrap(connection.query("""
                SELECT timestamptz '2024-02-29 23:59:59.5+02' AS a, timestamptz '1950-06-01 00:00:00Z' AS b,
                       timestamp '2001-02-03 04:05:06' AS c, current_setting('TimeZone') AS tz, current_setting('DateStyle') AS ds
                """).first)
            XCTAssertEqual(try row.string("tz"), "UTC")
            XCTAssertTrue(try row.string("ds").hasPrefix("ISO"))
            XCTAssertEqual(try row.string("a"), "2024-02-29 21:59:59.5+00")
            XCTAssertEqual(try row.date("a"), Date(timeIntervalSince1970: 1_709_243_999.5))
            XCTAssertEqual(try row.date("b"), Date(timeIntervalSince1970: -618_105_600))
            XCTAssertEqual(try row.date("c"), Date(timeIntervalSince1970: 981_173_106))
            for instant in [Date(timeIntervalSince1970: -1_234_567_890.654321), Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: 4_102_444_800.000001)] {
                let back = try XCTUnwrap(connection.query("SELECT $1::timestamptz AS v", [instant]).first).date("v")
                XCTAssertEqual(back.timeIntervalSince1970, instant.timeIntervalSince1970, accuracy: 1e-6)
            }
        }
    }

    func testDecodingErrorsNameTheColumnNotTheValue() throws {
        let pool = try TestDatabase.pool()
        defer { pool.close() }
        let secret = "Verena-Geheimnis-1984"
        let row = try XCTUnwrap(pool.withConnection {
            try $0.query("SELECT NULL::text AS missing_value, $1::text AS word", [secret]).first
        })
        XCTAssertThrowsError(try row.string("missing_value")) { error in
            let error = error as? PostgresError
            XCTAssertEqual(error?.kind, .decoding)
            XCTAssertTrue(error?.description.contains("missing_value") == true)
        }
        XCTAssertThrowsError(try row.int("word")) { error in
            XCTAssertEqual((error as? PostgresError)?.kind, .decoding)
            XCTAssertTrue("\(error)".contains("word"))
            XCTAssertFalse("\(error)".contains(secret))
        }
        XCTAssertThrowsError(try row.uuid("no_such_column")) { error in
            XCTAssertEqual((error as? PostgresError)?.kind, .decoding)
            XCTAssertTrue("\(error)".contains("no_such_column"))
        }
        XCTAssertThrowsError(try row.json(Payload.self, "word")) { error in
            XCTAssertEqual((error as? PostgresError)?.kind, .decoding)
            XCTAssertFalse("\(error)".contains(secret))
        }
    }
}
