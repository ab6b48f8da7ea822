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

    /// The correction checks the fields it names by the registration's rules: the same bad
    /// value gives the same field errors, word for word.
    func testACorrectionRefusesABadFieldAsTheRegistrationDoes() throws {
        let stored = """
            {"accommodation":"cantonal","caseId":"7d3b1d9e-6c43-4b6f-9a36-0d5a0c1e2f01","createdAt":"2026-09-01T08:00:00.000Z",
            "dateOfBirth":"1994-03-02","enteredCantonOn":"2026-09-01","familyName":"Example","givenName":"Amina","languages":["ti"],
            "nationality":"ER","personId":"5a1f7b5e-2f0c-4c57-8a3e-1d2c3b4a5f60","responsibleOrg":"canton:KSD","sex":"female",
            "status":"VA","statusDecidedOn":"2026-08-20","updatedAt":"2026-09-01T08:00:00.000Z","version":1}
            """
        let current = try JSONCoding.decode(PersonRecord.self, from: Array(stored.utf8))
        let badValues: [(String, Any)] = [
            ("zemisNumber", "12ab"), ("givenName", "   "), ("familyName", String(repeating: "x", count: 101)),
            ("dateOfBirth", "2027-01-01"), ("dateOfBirth", "1900-01-01"), ("nationality", "Eritrea"),
            ("languages", ["ti", "TI"]), ("languages", Array(repeating: "ti", count: 21)),
            ("enteredCantonOn", "2026-12-01"), ("enteredCantonOn", "1990-01-01"),
        ]
        for (field, value) in badValues {
            let registration = try request { $0[field] = value }.validate(today: today)
            let correction = try JSONCoding.decode(CorrectPersonRequest.self, from: JSONSerialization.data(withJSONObject: [field: value]))
                .validate(today: today, current: current)
            XCTAssertFalse(registration.isEmpty, "\(field): \(value)")
            XCTAssertEqual(correction, registration, "\(field): \(value)")
        }
    }

    func testZemisNumbersAreComparedWithoutDots() {
        XCTAssertEqual(Validation.normalizedZemis("1234.5678"), "12345678")
        XCTAssertTrue(Validation.isZemisNumber("1234.5678"))
        XCTAssertFalse(Validation.isZemisNumber("1234567"))
    }
}
