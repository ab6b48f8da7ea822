import Foundation
import IASContracts
import IASHTTP
@testable import IntakeService
import IASRuntime
import XCTest

/// The per-row decisions of `POST /allocation-lists`, without a database.
final class AllocationTriageTests: XCTestCase {
    let today = CalendarDate("2026-11-21")!
    let canton = Organisation("canton:KSD")!

    func row(_ changes: (inout [String: Any]) -> Void = { _ in }) -> [String: Any] {
        var body: [String: Any] = [
            "givenName": "Amina", "familyName": "Example", "dateOfBirth": "1994-03-02", "sex": "female", "nationality": "ER",
            "languages": ["ti"], "status": "VA", "enteredCantonOn": "2026-09-01", "statusDecidedOn": "2026-08-20",
            "accommodation": "cantonal",
        ]
        changes(&body)
        return body
    }

    func list(_ rows: [[String: Any]]) throws -> AllocationListRequest {
        let body: [String: Any] = ["listRef": "SEM-2026-11-0042", "allocatedOn": "2026-11-20", "persons": rows]
        return try JSONCoding.decode(AllocationListRequest.self, from: JSONSerialization.data(withJSONObject: body))
    }

    func triage(_ rows: [[String: Any]], known: AllocationTriage.Known = .init(), org: Organisation? = nil)
        throws -> (results: [AllocationTriage.RowResult], registrations: [AllocationTriage.Registration]) {
        try AllocationTriage(today: today, organisation: org ?? canton).triage(list(rows).persons, known: known)
    }

    func identity(given: String, family: String, born: String, org: String = "canton:KSD") -> RegisteredIdentity {
        RegisteredIdentity(personId: Identifier(), caseId: Identifier(), givenName: given, familyName: family,
                           dateOfBirth: CalendarDate(born)!, responsibleOrg: org)
    }

    func testValidRowsAreRegisteredInListOrder() throws {
        let (results, registrations) = try triage([
            row { $0["zemisNumber"] = "1234.5678"; $0["givenName"] = "Selam"; $0["dateOfBirth"] = "1990-01-01" },
            row { $0["givenName"] = "Yonas"; $0["familyName"] = "Berhe" },
        ])
        XCTAssertEqual(results.map(\.outcome), [.registered, .registered])
        XCTAssertEqual(registrations.map(\.row), [0, 1])
        XCTAssertEqual(registrations[0].zemis, "12345678", "stored without dots, as by POST /persons")
        XCTAssertEqual(results.map(\.personId), registrations.map(\.personId))
        XCTAssertEqual(results.map(\.caseId), registrations.map(\.caseId))
    }

    func testAnInvalidRowIsRejectedWithTheRulesOfPostPersons() throws {
        let (results, registrations) = try triage([
            row { $0["dateOfBirth"] = "2027-01-01"; $0["nationality"] = "Eritrea" },
            row { $0["givenName"] = "Yonas" },
        ])
        XCTAssertEqual(results.map(\.outcome), [.rejected, .registered])
        XCTAssertEqual(registrations.map(\.row), [1])
        let fields = Set(results[0].problems?.map(\.field) ?? [])
        XCTAssertTrue(fields.isSuperset(of: ["dateOfBirth", "nationality"]), "\(fields)")
        XCTAssertNil(results[0].personId)
    }

    func testARowOfTheWrongShapeIsRejectedAloneWithItsFieldRelativeToTheRow() throws {
        let (results, _) = try triage([
            row { $0["dateOfBirth"] = "02.03.1994" },
            row { $0.removeValue(forKey: "familyName") },
            row { $0["status"] = "X" },
            row { $0["givenName"] = "Yonas" },
        ])
        XCTAssertEqual(results.map(\.outcome), [.rejected, .rejected, .rejected, .registered])
        XCTAssertEqual(results[0].problems?.map(\.field), ["dateOfBirth"])
        XCTAssertEqual(results[1].problems?.map(\.field), ["familyName"])
        XCTAssertEqual(results[1].problems?.first?.reason, "is required")
        XCTAssertEqual(results[2].problems?.map(\.field), ["status"])
    }

    func testARowThatIsNoObjectIsRejected() throws {
        let body = Data(#"{"listRef":"L","allocatedOn":"2026-11-20","persons":[42,null]}"#.utf8)
        let rows = try JSONCoding.decode(AllocationListRequest.self, from: body).persons
        let (results, _) = AllocationTriage(today: today, organisation: canton).triage(rows, known: .init())
        XCTAssertEqual(results.map(\.outcome), [.rejected, .rejected])
        XCTAssertEqual(results[0].problems?.first?.field, "")
    }

    func testARegisteredZemisNumberIsADuplicateNamingTheExistingPerson() throws {
        let existing = identity(given: "Selam", family: "Haile", born: "1990-01-01")
        let known = AllocationTriage.Known(byZemis: ["12345678": existing])
        let (results, registrations) = try triage([row { $0["zemisNumber"] = "1234.5678"; $0["givenName"] = "Other" }], known: known)
        XCTAssertEqual(results.map(\.outcome), [.duplicate])
        XCTAssertEqual(results[0].personId, existing.personId)
        XCTAssertEqual(results[0].caseId, existing.caseId)
        XCTAssertNil(results[0].duplicateOfRow)
        XCTAssertTrue(registrations.isEmpty)
    }

    func testAZemisNumberRepeatedInTheListIsADuplicateOfTheEarlierRow() throws {
        let (results, registrations) = try triage([
            row { $0["zemisNumber"] = "87654321"; $0["givenName"] = "Selam" },
            row { $0["zemisNumber"] = "8765.4321"; $0["givenName"] = "Yonas"; $0["dateOfBirth"] = "1980-05-05" },
        ])
        XCTAssertEqual(results.map(\.outcome), [.registered, .duplicate])
        XCTAssertEqual(results[1].duplicateOfRow, 0)
        XCTAssertEqual(results[1].personId, results[0].personId)
        XCTAssertEqual(registrations.count, 1)
    }

    func testARepeatedZemisNumberAfterARejectedRowIsRegistered() throws {
        // As if posted one after another: the first row registered nothing.
        let (results, _) = try triage([
            row { $0["zemisNumber"] = "87654321"; $0["nationality"] = "eritrea" },
            row { $0["zemisNumber"] = "87654321" },
        ])
        XCTAssertEqual(results.map(\.outcome), [.rejected, .registered])
    }

    func testASimilarNameWithTheSameBirthDateIsAPossibleDuplicateUnlessOverridden() throws {
        let existing = identity(given: "Mohammed", family: "Ahmadi", born: "1994-03-02")
        let known = AllocationTriage.Known(byBirthDate: [CalendarDate("1994-03-02")!: [existing]])
        let (results, registrations) = try triage([
            row { $0["givenName"] = "Muhammad"; $0["familyName"] = "Ahmadi" },
            row { $0["givenName"] = "Muhammad"; $0["familyName"] = "Ahmadi"; $0["duplicateOverride"] = ["reason": "twin, confirmed by SEM"] },
            row { $0["givenName"] = "Muhammad"; $0["familyName"] = "Ahmadi"; $0["dateOfBirth"] = "1994-03-03" },
        ], known: known)
        XCTAssertEqual(results.map(\.outcome), [.possible_duplicate, .registered, .registered])
        XCTAssertEqual(results[0].candidates?.count, 1)
        XCTAssertEqual(results[0].problems?.map(\.field), ["duplicateOverride.reason"])
        XCTAssertEqual(registrations.map(\.row), [1, 2])
        XCTAssertEqual(registrations[0].request.storedOverrideReason, "twin, confirmed by SEM")
    }

    func testASimilarNameEarlierInTheListIsAPossibleDuplicate() throws {
        let (results, _) = try triage([
            row { $0["givenName"] = "Tesfaye"; $0["familyName"] = "Kidane" },
            row { $0["givenName"] = "Tesfay"; $0["familyName"] = "Kidane" },
        ])
        XCTAssertEqual(results.map(\.outcome), [.registered, .possible_duplicate])
        let candidate = try XCTUnwrap(results[1].candidates?.first)
        XCTAssertEqual(candidate["personId"]?.stringValue, results[0].personId?.description)
    }

    func testAMunicipalityRegistersOnlyItsOwnPersons() throws {
        let aarau = Organisation("municipality:4001")!
        let (results, _) = try triage([
            row { $0["accommodation"] = "municipal"; $0["responsibleOrg"] = "municipality:4001" },
            row { $0["accommodation"] = "municipal"; $0["responsibleOrg"] = "municipality:4021"; $0["givenName"] = "Yonas" },
            row { $0["givenName"] = "Selam" },
        ], org: aarau)
        XCTAssertEqual(results.map(\.outcome), [.registered, .rejected, .rejected])
        XCTAssertEqual(results[1].problems?.map(\.field), ["responsibleOrg"])
    }

    func testTheResultCountsEveryOutcome() throws {
        let existing = identity(given: "Selam", family: "Haile", born: "1990-01-01")
        let (results, _) = try triage([
            row { $0["zemisNumber"] = "11111111" },
            row { $0["zemisNumber"] = "11111111"; $0["givenName"] = "Other" },
            row { $0["zemisNumber"] = "22222222"; $0["givenName"] = "Third" },
            row { $0["nationality"] = "x" },
        ], known: AllocationTriage.Known(byZemis: ["22222222": existing]))
        let result = AllocationListResult(listId: Identifier(), listRef: "L", allocatedOn: today, rows: results)
        XCTAssertEqual([result.received, result.registered, result.duplicates, result.possibleDuplicates, result.rejected], [4, 1, 2, 0, 1])
    }

    func testTheListItselfMustNameItsReferenceAndHoldRows() throws {
        var empty = try list([row()])
        empty.persons = []
        empty.listRef = "  "
        XCTAssertEqual(Set(empty.validate().map(\.field)), ["listRef", "persons"])
        XCTAssertEqual(try list([row()]).validate(), [])
    }

    func testMoreThanTheMaximumOfRowsIsRefusedBeforeTheRowsAreRead() throws {
        let rows = Array(repeating: [String: Any](), count: AllocationListRequest.maxPersons + 1)
        XCTAssertThrowsError(try list(rows)) { error in
            XCTAssertEqual((error as? Problem)?.status, 413)
        }
        XCTAssertEqual(try list(Array(repeating: row(), count: AllocationListRequest.maxPersons)).persons.count,
                       AllocationListRequest.maxPersons)
    }
}
