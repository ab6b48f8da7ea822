@testable import IASHTTP
import IASRuntime
import XCTest

final class QueryParametersTests: XCTestCase {
    private enum Order: String, CaseIterable { case newest, due }

    private func query(_ values: [String: String]) -> QueryParameters {
        QueryParameters(HTTPRequest(method: "GET", path: "/things", query: values))
    }

    func testAbsentParametersReadAsNilAndAreNoError() throws {
        var q = query([:])
        XCTAssertNil(q.choice("order", Order.self))
        XCTAssertNil(q.identifier("caseId", "must be a UUID"))
        XCTAssertNil(q.bool("escalated"))
        XCTAssertNil(q.value("dateOfBirth", "must be a date") { CalendarDate($0) })
        XCTAssertNil(q["sub"])
        XCTAssertTrue(q.errors.list.isEmpty)
        XCTAssertNoThrow(try q.throwIfInvalid())
    }

    func testValidParametersAreRead() throws {
        let id = Identifier()
        var q = query(["order": "due", "caseId": id.description, "escalated": "false", "on": "2026-02-28", "sub": "a b",
                       "partner": "partner:RAV"])
        XCTAssertEqual(q.choice("order", Order.self), .due)
        XCTAssertEqual(q.identifier("caseId", "must be a UUID"), id)
        XCTAssertEqual(q.bool("escalated"), false)
        XCTAssertEqual(q.value("on", "must be a date") { CalendarDate($0) }, CalendarDate("2026-02-28"))
        XCTAssertEqual(q.choice("partner", among: ["partner:RAV", "canton:BKS"]), "partner:RAV")
        XCTAssertEqual(q["sub"], "a b")
        XCTAssertNoThrow(try q.throwIfInvalid())
    }

    /// Every bad parameter is named in one answer, each with its own reason, in the order read.
    func testEveryBadParameterIsCollectedWithItsReason() throws {
        var q = query(["order": "oldest", "caseId": "42", "escalated": "yes", "partner": "partner:X", "on": "2026-02-30"])
        XCTAssertNil(q.choice("order", Order.self))
        XCTAssertNil(q.identifier("caseId", "must be a case id"))
        XCTAssertNil(q.bool("escalated"))
        XCTAssertNil(q.choice("partner", among: ["partner:RAV", "canton:BKS"]))
        XCTAssertNil(q.value("on", "must be a date YYYY-MM-DD") { CalendarDate($0) })
        XCTAssertNil(q.required("year", "required: a year") { Int($0) })
        XCTAssertEqual(q.errors.list.map(\.field), ["order", "caseId", "escalated", "partner", "on", "year"])
        XCTAssertEqual(q.errors.list.map(\.message), [
            "must be one of newest, due", "must be a case id", "must be true or false",
            "must be one of partner:RAV, canton:BKS", "must be a date YYYY-MM-DD", "required: a year",
        ])
        XCTAssertThrowsError(try q.throwIfInvalid()) { error in
            XCTAssertEqual((error as? Problem)?.status, 400)
        }
    }

    func testAChoiceMaySayItsOwnReasonAndARequiredValueIsCheckedToo() {
        var q = query(["order": "x", "year": "1800"])
        XCTAssertNil(q.choice("order", Order.self, message: "must be newest or due"))
        XCTAssertNil(q.required("year", "required: a year from 1950") { Int($0).flatMap { $0 >= 1950 ? $0 : nil } })
        XCTAssertEqual(q.errors.list.map(\.message), ["must be newest or due", "required: a year from 1950"])
    }
}
