import Foundation
@testable import IntakeService
import IASRuntime
import XCTest

final class RegistrationValidationTests: XCTestCase {
    let today = CalendarDate("2026-11-21")!

    func request(_ changes: (inout [String: Any]) -> Void = { _ in }) throws -> RegisterPersonRequest {
        var body: [String: Any] = [
            "givenName": "Amina", "familyName": "Example", "dateOfBirth": "1994-03-02", "sex": "female", "nationality": "ER",
            "languages": ["ti"], "status": "VA", "enteredCantonOn": "2026-09-01", "statusDecidedOn": "2026-08-20",
            "accommodation": "cantonal",
        ]
        changes(&body)
        return try JSONCoding.decode(RegisterPersonRequest.self, from: JSONSerialization.data(withJSONObject: body))
    }

    func testAValidRegistrationHasNoErrorsAndDefaultsToTheCanton() throws {
        let r = try request()
        XCTAssertEqual(r.validate(today: today), [])
        XCTAssertEqual(r.effectiveResponsibleOrg, "canton:KSD")
    }

    func testEveryRuleNamesItsField() throws {
        let r = try request {
            $0["dateOfBirth"] = "2027-01-01"; $0["nationality"] = "Eritrea"; $0["languages"] = ["TI"]
            $0["zemisNumber"] = "12ab"; $0["givenName"] = "   "; $0["accommodation"] = "municipal"
        }
        let fields = Set(r.validate(today: today).map(\.field))
        XCTAssertEqual(fields, ["dateOfBirth", "nationality", "languages[0]", "zemisNumber", "givenName", "responsibleOrg", "enteredCantonOn"])
    }

    func testAnAsylumSeekerHasNoStatusDecision() throws {
        let r = try request { $0["status"] = "N" }
        XCTAssertEqual(r.validate(today: today).map(\.field), ["statusDecidedOn"])
    }

    func testResponsibleOrgMustBeAnOrganisation() throws {
        let r = try request { $0["accommodation"] = "municipal"; $0["responsibleOrg"] = "Aarau" }
        XCTAssertEqual(r.validate(today: today).map(\.field), ["responsibleOrg"])
    }

    func testZemisNumbersAreComparedWithoutDots() {
        XCTAssertEqual(Validation.normalizedZemis("1234.5678"), "12345678")
        XCTAssertTrue(Validation.isZemisNumber("1234.5678"))
        XCTAssertFalse(Validation.isZemisNumber("1234567"))
    }
}
