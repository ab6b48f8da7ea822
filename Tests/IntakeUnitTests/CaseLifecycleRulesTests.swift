import Foundation
import IASContracts
import IASRuntime
import IASServiceKit
import XCTest
@testable import IntakeService

final class NameSimilarityTests: XCTestCase {
    func score(_ a: (String, String), _ b: (String, String)) -> Double {
        NameSimilarity.score(given: a.0, family: a.1, given: b.0, family: b.1)
    }

    func testTransliterationsDiacriticsAndSwappedNamesAreLikelyDuplicates() {
        XCTAssertTrue(NameSimilarity.isLikelyDuplicate(score(("Mohammed", "Ahmadi"), ("Muhammad", "Ahmadi"))))
        XCTAssertTrue(NameSimilarity.isLikelyDuplicate(score(("Tesfaye", "Haile"), ("Tesfay", "Haile"))))
        XCTAssertTrue(NameSimilarity.isLikelyDuplicate(score(("Zoë", "Müller"), ("Zoe", "Muller"))))
        XCTAssertTrue(NameSimilarity.isLikelyDuplicate(score(("Haile", "Tesfaye"), ("Tesfaye", "Haile"))))
        XCTAssertEqual(score(("Amina", "Osman"), ("AMINA", " osman ")), 1)
    }

    func testDifferentPeopleAreNot() {
        XCTAssertFalse(NameSimilarity.isLikelyDuplicate(score(("Amina", "Osman"), ("Selam", "Osman"))))
        XCTAssertFalse(NameSimilarity.isLikelyDuplicate(score(("Farid", "Rahimi"), ("Nour", "Khalil"))))
        // Family members share a family name, not a given name.
        XCTAssertFalse(NameSimilarity.isLikelyDuplicate(score(("Yonas", "Family-1A2B3C"), ("Tesfaye", "Family-1A2B3C"))))
    }

    func testTheEditDistance() {
        XCTAssertEqual(NameSimilarity.distance(Array("kitten"), Array("sitting")), 3)
        XCTAssertEqual(NameSimilarity.distance([], Array("abc")), 3)
        XCTAssertEqual(NameSimilarity.ratio("", ""), 1)
    }
}

final class TransferRulesTests: XCTestCase {
    func violation(_ from: String, _ to: String, _ reason: TransferReason) -> String? {
        TransferRules.violation(from: Organisation(from)!, to: Organisation(to)!, reason: reason)
    }

    func testTheDirectionsTheConceptAllows() {
        XCTAssertNil(violation("canton:KSD", "municipality:4001", .assignment))
        XCTAssertNil(violation("municipality:4001", "municipality:4021", .relocation))
        XCTAssertNil(violation("delegate:caritas:4001", "municipality:4021", .relocation))
        XCTAssertNil(violation("municipality:4001", "delegate:caritas:4001", .delegation))
        XCTAssertNil(violation("delegate:caritas:4001", "municipality:4001", .delegation))
    }

    func testTheWrongDirectionForTheReason() {
        XCTAssertNotNil(violation("municipality:4001", "municipality:4021", .assignment))
        XCTAssertNotNil(violation("canton:KSD", "delegate:caritas:4001", .assignment))
        XCTAssertNotNil(violation("canton:KSD", "municipality:4001", .relocation))
        XCTAssertNotNil(violation("municipality:4001", "canton:KSD", .relocation))
        XCTAssertNotNil(violation("municipality:4001", "delegate:caritas:4021", .delegation))
        XCTAssertNotNil(violation("canton:KSD", "delegate:caritas:4001", .delegation))
        XCTAssertNotNil(violation("municipality:4001", "municipality:4021", .delegation))
    }

    func testOnlyTheCantonOrTheResponsibleMunicipalityHandsOver() {
        XCTAssertTrue(AccessPolicy.mayHandOver(.canton("KSD"), currentlyResponsible: .municipality(bfs: 4001)))
        XCTAssertTrue(AccessPolicy.mayHandOver(.municipality(bfs: 4001), currentlyResponsible: .delegate(name: "caritas", bfs: 4001)))
        XCTAssertFalse(AccessPolicy.mayHandOver(.municipality(bfs: 4021), currentlyResponsible: .municipality(bfs: 4001)))
        XCTAssertFalse(AccessPolicy.mayHandOver(.delegate(name: "caritas", bfs: 4001), currentlyResponsible: .municipality(bfs: 4001)))
        XCTAssertFalse(AccessPolicy.mayHandOver(.canton("BKS"), currentlyResponsible: .canton("KSD")))
    }

    func testETagsAreReadInTheirUsualForms() {
        XCTAssertTrue(IfMatch.matches("\"3\"", current: "\"3\""))
        XCTAssertTrue(IfMatch.matches("W/\"12\"", current: "\"12\""))
        XCTAssertTrue(IfMatch.matches("7", current: "\"7\""))
        XCTAssertTrue(IfMatch.matches("\"1\", \"7\"", current: "\"7\""))
        XCTAssertTrue(IfMatch.matches("*", current: "\"7\""))
        XCTAssertFalse(IfMatch.matches("\"abc\"", current: "\"3\""))
        XCTAssertFalse(IfMatch.matches("\"2\"", current: "\"3\""))
        XCTAssertTrue(IfMatch.matches(" \"2\" , W/\"3\"", current: "\"3\""), "a list, spaces and a weak tag")
        XCTAssertTrue(IfMatch.matches("\"2\", *", current: "\"3\""))
        XCTAssertFalse(IfMatch.matches("", current: "\"3\""))
        XCTAssertFalse(IfMatch.matches("\"3", current: "\"3\""), "an unclosed quote names nothing")
        XCTAssertFalse(IfMatch.matches("33", current: "\"3\""))
    }

    func testClosureAndRegularizationRequestsNameTheirFields() throws {
        let today = CalendarDate("2026-11-21")!
        let closure = ClosureRequest(reason: .deceased, closedOn: CalendarDate("2027-01-01")!, outcome: .firstLabourMarket)
        let fields = Set(closure.validate(today: today, enteredCantonOn: CalendarDate("2026-01-01")!).map(\.field))
        XCTAssertEqual(fields, ["closedOn", "outcome"])
        XCTAssertEqual(RegularizationRequest(status: .N, decidedOn: today).validate(today: today).map(\.field), ["status"])
    }
}
