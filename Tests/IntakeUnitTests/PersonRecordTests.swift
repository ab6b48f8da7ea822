import Foundation
import IASContracts
@testable import IntakeService
import IASRuntime
import XCTest

/// A stored person is its registration as published plus intake's own members, in one flat
/// object: what the API answers has the same members as before the record was split.
final class PersonRecordTests: XCTestCase {
    let stored = """
        {"accommodation":"cantonal","caseId":"7d3b1d9e-6c43-4b6f-9a36-0d5a0c1e2f01","closedOn":"2026-10-01",
        "closureReason":"left_canton","createdAt":"2026-01-05T08:00:00.000Z","dateOfBirth":"1990-04-02","enteredCantonOn":"2026-01-05",
        "familyName":"Tesfay","givenName":"Selam","languages":["ti","en"],"nationality":"ER",
        "personId":"5a1f7b5e-2f0c-4c57-8a3e-1d2c3b4a5f60","responsibleOrg":"canton:KSD","sex":"female","status":"VA",
        "statusDecidedOn":"2026-02-01","updatedAt":"2026-10-01T09:30:00.000Z","version":4,"zemisNumber":"12345678"}
        """

    func testTheRecordReadsTheRegistrationAndIntakesMembersFromOneObject() throws {
        let record = try JSONCoding.decode(PersonRecord.self, from: Array(stored.utf8))
        XCTAssertEqual(record.published, try JSONCoding.decode(PersonRegistered.self, from: Array(stored.utf8)))
        XCTAssertEqual(record.givenName, "Selam")
        XCTAssertEqual(record.languages, ["ti", "en"])
        XCTAssertEqual(record.kept.version, 4)
        XCTAssertEqual(record.closedOn, CalendarDate("2026-10-01"))
        XCTAssertEqual(record.closureReason, .leftCanton)
        XCTAssertNil(record.closureOutcome)
        XCTAssertEqual(record.etag, "\"4\"")
    }

    func testTheRecordWritesOneFlatObjectWithTheMembersOfBoth() throws {
        let record = try JSONCoding.decode(PersonRecord.self, from: Array(stored.utf8))
        let written = try JSONParser.parse(JSONCoding.encode(record))
        XCTAssertEqual(written, try JSONParser.parse(Array(stored.utf8)))
    }

    func testAChangeThroughTheRecordChangesThePartThatHoldsTheMember() throws {
        var record = try JSONCoding.decode(PersonRecord.self, from: Array(stored.utf8))
        record.familyName = "Tesfamariam"
        record.version = 5
        XCTAssertEqual(record.published.familyName, "Tesfamariam")
        XCTAssertEqual(record.kept.version, 5)
    }
}
