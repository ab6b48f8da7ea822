import Foundation
import IASPostgres
import IASRuntime
import TestSupport
import XCTest

/// `row.decode(T.self)` reads a row into a record as the typed accessors read its columns.
final class RowDecoderTests: XCTestCase {
    enum Kind: String, Decodable, Equatable { case review, followUp = "follow_up" }
    enum Level: Int, Decodable, Equatable { case low = 1, high = 2 }
    struct Agreement: Decodable, Equatable { let goals: [String]; let signedOn: CalendarDate; let seenAt: Date }

    /// One property of each kind a column can be read as, in the column order of the table.
    struct Record: Decodable, Equatable {
        let taskId: Identifier, rawId: UUID, kind: Kind, level: Level
        let assigneeOrg: String, count: Int, small: Int16, done: Bool, ratio: Double
        let openedAt: Date, dueOn: CalendarDate, languages: [String], agreement: Agreement, data: JSONValue
        let notes: String?, completedAt: Date?, outcomeKind: Kind?, personURL: String?
    }

    private var pool: PostgresPool!
    private var table = ""

    override func setUpWithError() throws {
        pool = try TestDatabase.pool()
        table = TestDatabase.uniqueName("row_decoder")
        _ = try pool.withConnection { c in
            try c.execute("""
                CREATE TABLE \(table) (
                    task_id uuid, raw_id uuid, kind text, level int4, assignee_org text, count int8, small int2, done bool,
                    ratio float8, opened_at timestamptz, due_on date, languages jsonb, agreement jsonb, data jsonb,
                    notes text, completed_at timestamptz, outcome_kind text, person_url text)
                """)
        }
    }

    override func tearDown() {
        TestDatabase.drop(table, in: pool)
        pool.close()
    }

    private func insert(_ values: [String?]) throws {
        try pool.withConnection { c in
            let placeholders = (1...values.count).map { "$\($0)" }.joined(separator: ", ")
            _ = try c.execute("INSERT INTO \(table) VALUES (\(placeholders))", values)
        }
    }

    private func rows(_ select: String = "*") throws -> [PostgresRow] {
        try pool.withConnection { try $0.query("SELECT \(select) FROM \(table) ORDER BY count") }
    }

    private let id = Identifier()
    private let raw = UUID()

    private func full(count: String = "1") -> [String?] {
        [id.description, raw.uuidString, "follow_up", "2", "municipality:351", count, "-7", "t", "0.25", "2026-11-22 10:00:00.123456+00",
         "2026-12-01", #"["ti", "ar"]"#, #"{"goals": ["work"], "signedOn": "2026-11-22", "seenAt": "2026-11-22T10:00:00.000Z"}"#,
         #"{"b": [1, null], "a": "x"}"#, "called back", "2026-11-23 08:30:00+00", "review", "https://example.ch/p"]
    }

    func testEveryColumnTypeIsReadAsItsProperty() throws {
        try insert(full())
        try insert([id.description, raw.uuidString, "review", "1", "canton:KSD", "2", "0", "f", "-1e300", "2026-11-22 10:00:00+00",
                    "2026-12-01", "[]", #"{"goals": [], "signedOn": "2026-11-22", "seenAt": "2026-11-22T10:00:00Z"}"#, "null",
                    nil, nil, nil, nil])
        let records = try rows().map { try $0.decode(Record.self) }
        XCTAssertEqual(records.count, 2)
        let first = records[0]
        XCTAssertEqual(first.taskId, id)
        XCTAssertEqual(first.rawId, raw)
        XCTAssertEqual(first.kind, .followUp)
        XCTAssertEqual(first.level, .high)
        XCTAssertEqual(first.assigneeOrg, "municipality:351")
        XCTAssertEqual(first.small, -7)
        XCTAssertTrue(first.done)
        XCTAssertEqual(first.ratio, 0.25)
        XCTAssertEqual(first.openedAt.timeIntervalSince1970, 1_795_341_600.123456, accuracy: 1e-6)
        XCTAssertEqual(first.dueOn, CalendarDate("2026-12-01"))
        XCTAssertEqual(first.languages, ["ti", "ar"])
        XCTAssertEqual(first.agreement.goals, ["work"])
        XCTAssertEqual(first.agreement.signedOn, CalendarDate("2026-11-22"))
        XCTAssertEqual(first.data, .object(["a": .string("x"), "b": .array([.number(1), .null])]))
        XCTAssertEqual(first.notes, "called back")
        XCTAssertEqual(first.completedAt?.timeIntervalSince1970, 1_795_422_600)
        XCTAssertEqual(first.outcomeKind, .review)
        XCTAssertEqual(first.personURL, "https://example.ch/p", "personURL is read from person_url")
        // NULL is nil for every optional property.
        let second = records[1]
        XCTAssertFalse(second.done)
        XCTAssertEqual(second.ratio, -1e300)
        XCTAssertEqual(second.data, .null)
        XCTAssertNil(second.notes)
        XCTAssertNil(second.completedAt)
        XCTAssertNil(second.outcomeKind)
        XCTAssertNil(second.personURL)
    }

    /// The message of the error decoding the only row as a Record.
    private func failure(file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let row = try XCTUnwrap(try rows().first, file: file, line: line)
        do {
            _ = try row.decode(Record.self)
            XCTFail("decoded", file: file, line: line)
        } catch let error as PostgresError {
            XCTAssertEqual(error.kind, .decoding, file: file, line: line)
            return error.message
        }
        return ""
    }

    func testErrorsNameTheColumnAndTheTypeNeverTheValue() throws {
        var values = full()
        values[2] = "secret-kind"
        try insert(values)
        let message = try failure()
        XCTAssertTrue(message.contains("\"kind\"") && message.contains("Kind") && message.contains("not one of the allowed values"), message)
        XCTAssertFalse(message.contains("secret"), message)

        _ = try pool.withConnection { try $0.execute("UPDATE \(self.table) SET kind = 'review', assignee_org = NULL") }
        let null = try failure()
        XCTAssertTrue(null.contains("\"assignee_org\" is NULL"), null)

        _ = try pool.withConnection { try $0.execute("UPDATE \(self.table) SET assignee_org = 'x', agreement = '{\"goals\": [1]}'") }
        let json = try failure()
        XCTAssertTrue(json.contains("\"agreement\"") && json.contains("goals[0]: must be a string"), json)

        _ = try pool.withConnection { try $0.execute("UPDATE \(self.table) SET agreement = NULL") }
        XCTAssertTrue(try failure().contains("\"agreement\" is NULL"))

        _ = try pool.withConnection { try $0.execute("UPDATE \(self.table) SET agreement = '[]', level = 7") }
        let level = try failure()
        XCTAssertTrue(level.contains("\"level\" does not hold Level: is not one of the allowed values"), level)
    }

    func testAColumnMissingFromTheQueryIsAnErrorEvenForAnOptionalProperty() throws {
        try insert(full())
        let row = try XCTUnwrap(try rows("task_id, raw_id, kind, level, assignee_org, count, small, done, ratio, opened_at, due_on, languages, agreement, data, notes, completed_at, outcome_kind").first)
        XCTAssertThrowsError(try row.decode(Record.self)) { error in
            XCTAssertTrue("\(error)".contains("no column \"person_url\""), "\(error)")
        }
    }

    func testPropertyNamesBecomeSnakeCaseColumnNames() {
        XCTAssertEqual(PostgresRow.columnName("taskId"), "task_id")
        XCTAssertEqual(PostgresRow.columnName("personURL"), "person_url")
        XCTAssertEqual(PostgresRow.columnName("urlOfPerson"), "url_of_person")
        XCTAssertEqual(PostgresRow.columnName("IDValue"), "id_value")
        XCTAssertEqual(PostgresRow.columnName("level2Name"), "level2_name")
        XCTAssertEqual(PostgresRow.columnName("größeInCm"), "größe_in_cm", "a name beyond ASCII takes the general path")
        XCTAssertEqual(PostgresRow.columnName("level2Reason"), "level2_reason")
        XCTAssertEqual(PostgresRow.columnName("already_snake"), "already_snake")
        XCTAssertEqual(PostgresRow.columnName("x"), "x")
    }
}
