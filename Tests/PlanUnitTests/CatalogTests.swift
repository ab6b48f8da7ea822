import Foundation
import IASContracts
import IASRuntime
import PlanService
import XCTest

final class CatalogTests: XCTestCase {
    let catalog = try! Catalog.bundled()

    func testTheShippedCatalogueHasEveryRequiredMeasureWithAPlausibleEntry() throws {
        let required = ["GER_LIT", "GER_A1", "GER_A2", "GER_B1", "GER_CHILDCARE", "PLAYGROUP", "IKG1", "IKG2", "BAI", "INVOL", "AMIPLUS",
                        "EMPLOYMENT_PROGRAMME", "MENTORING", "SOCIAL_INTEGRATION", "POTENTIAL_ASSESSMENT"]
        for code in required {
            let m = try XCTUnwrap(catalog.measure(code), code)
            XCTAssertFalse(m.nameDe.isEmpty, code); XCTAssertFalse(m.nameEn.isEmpty, code)
            XCTAssertFalse(m.targetGroups.isEmpty, code)
            XCTAssertGreaterThan(m.typicalDurationWeeks, 0, code)
        }
        XCTAssertEqual(catalog.measure("AMIPLUS")?.partner, "partner:RAV")
        XCTAssertEqual(catalog.measure("BAI")?.partner, "canton:BKS")
        XCTAssertEqual(catalog.measure("INVOL")?.partner, "canton:BKS")
        XCTAssertNil(catalog.measure("GER_A1")?.partner)
        XCTAssertFalse(catalog.measuresVersion.isEmpty)
    }

    func testThePathwaysFollowTheAargauConcept() {
        func steps(_ code: String, _ group: TargetGroup) -> [String] { catalog.pathway(code: code, targetGroup: group).steps }
        XCTAssertEqual(steps("preschool", .preschool), ["PLAYGROUP"])
        XCTAssertEqual(steps("school_age", .schoolAge), [])
        XCTAssertEqual(steps("education_16_21", .educationReady), ["GER_A1", "GER_A2", "IKG1", "BAI"])
        XCTAssertEqual(steps("education_22_25", .educationReady), ["GER_A1", "GER_A2", "IKG1", "POTENTIAL_ASSESSMENT", "INVOL"])
        XCTAssertEqual(steps("labour_market", .labourMarketReady), ["GER_A1", "GER_A2", "AMIPLUS", "EMPLOYMENT_PROGRAMME"])
        XCTAssertEqual(steps("social_integration", .socialIntegration), ["GER_A1", "SOCIAL_INTEGRATION", "MENTORING"])
    }

    func testAnUnknownPathwayNameFallsBackToThePathwayOfTheTargetGroup() {
        XCTAssertEqual(catalog.pathway(code: "no-such-pathway", targetGroup: .labourMarketReady).code, "labour_market")
        // a known name of another group does not win over the group
        XCTAssertEqual(catalog.pathway(code: "labour_market", targetGroup: .preschool).code, "preschool")
    }

    func testABrokenCatalogueIsRefusedNamingTheProblem() {
        let measures = #"{"version":"x","measures":[{"code":"A","nameDe":"a","nameEn":"a","fieldOfAction":"language","targetGroups":["preschool"],"fundingSource":"lump_sum","typicalDurationWeeks":1,"indicativeCostRappen":1,"description":""}]}"#
        let pathways = #"{"version":"x","pathways":[{"code":"p","targetGroup":"preschool","nameDe":"p","nameEn":"p","description":"","steps":["A","B"]}]}"#
        XCTAssertThrowsError(try Catalog(measuresJSON: Data(measures.utf8), pathwaysJSON: Data(pathways.utf8))) { error in
            let text = String(describing: error)
            XCTAssertTrue(text.contains("unknown measure B"), text)
            XCTAssertTrue(text.contains("no pathway for target group school_age"), text)
        }
    }
}
