import Foundation
import IASContracts
import IASRuntime
import PlanService
import XCTest

final class PlanDraftingTests: XCTestCase {
    let catalog = try! Catalog.bundled()
    let start = CalendarDate("2026-03-02")!

    func testARefugeeGetsTheWholePathwayInSequenceWithCatalogueFunding() {
        let pathway = catalog.pathway(code: "labour_market", targetGroup: .labourMarketReady)
        let result = PlanDrafting.steps(pathway: pathway, catalog: catalog, status: .FL, startingOn: start)
        XCTAssertEqual(result.planned.map(\.measure.code), ["GER_A1", "GER_A2", "AMIPLUS", "EMPLOYMENT_PROGRAMME"])
        XCTAssertEqual(result.deferred, [])
        XCTAssertEqual(Set(result.planned.map(\.fundingSource)), [.lumpSum])
        XCTAssertEqual(result.planned[0].startsOn, start)
        for (a, b) in zip(result.planned, result.planned.dropFirst()) {
            XCTAssertEqual(a.endsOn.adding(days: 1), b.startsOn, "each step starts the day after the previous one ends")
        }
    }

    func testAnAsylumSeekerGetsOnlyTheGermanCoursesOnLanguageFundingAndTheRestWaits() {
        let pathway = catalog.pathway(code: "education_22_25", targetGroup: .educationReady)
        let result = PlanDrafting.steps(pathway: pathway, catalog: catalog, status: .N, startingOn: start)
        XCTAssertEqual(result.planned.map(\.measure.code), ["GER_A1", "GER_A2"])
        XCTAssertEqual(Set(result.planned.map(\.fundingSource)), [.languageFunding])
        XCTAssertEqual(result.deferred, ["IKG1", "POTENTIAL_ASSESSMENT", "INVOL"])
    }

    func testMeasuresTheCaseAlreadyHasAreNotPlannedTwice() {
        let pathway = catalog.pathway(code: "labour_market", targetGroup: .labourMarketReady)
        let result = PlanDrafting.steps(pathway: pathway, catalog: catalog, status: .VA, startingOn: start, existingCodes: ["GER_A1", "GER_A2"])
        XCTAssertEqual(result.planned.map(\.measure.code), ["AMIPLUS", "EMPLOYMENT_PROGRAMME"])
        XCTAssertGreaterThan(result.planned[0].startsOn, start, "the later steps keep their place in the sequence")
    }

    func testSchoolAgeChildrenGetNoMeasure() {
        let result = PlanDrafting.steps(pathway: catalog.pathway(code: "school_age", targetGroup: .schoolAge), catalog: catalog,
                                        status: .FL, startingOn: start)
        XCTAssertTrue(result.planned.isEmpty)
    }

    func testFundingOfAMeasureAddedByHand() throws {
        XCTAssertEqual(PlanDrafting.funding(of: try XCTUnwrap(catalog.measure("GER_B1")), status: .N), .languageFunding)
        XCTAssertNil(PlanDrafting.funding(of: try XCTUnwrap(catalog.measure("AMIPLUS")), status: .N))
        XCTAssertEqual(PlanDrafting.funding(of: try XCTUnwrap(catalog.measure("AMIPLUS")), status: .VA), .lumpSum)
        XCTAssertFalse(PlanDrafting.needsCostApproval(.languageFunding))
        XCTAssertFalse(PlanDrafting.needsCostApproval(.regularStructures))
        XCTAssertTrue(PlanDrafting.needsCostApproval(.lumpSum))
    }
}
