import IASContracts
import XCTest

final class AccessPolicyTests: XCTestCase {
    func testOrganisationsParseOnlyInTheirContractForms() {
        XCTAssertEqual(Organisation("canton:KSD"), .canton("KSD"))
        XCTAssertEqual(Organisation("municipality:4001"), .municipality(bfs: 4001))
        XCTAssertEqual(Organisation("delegate:caritas:4001"), .delegate(name: "caritas", bfs: 4001))
        XCTAssertEqual(Organisation("partner:RAV"), .partner("RAV"))
        for bad in ["", "canton", "canton:XYZ", "municipality:abc", "municipality:0", "municipality:4001:x", "delegate::4001", "partner:ACME"] {
            XCTAssertNil(Organisation(bad), bad)
        }
        XCTAssertEqual(Organisation("delegate:caritas:4001")?.description, "delegate:caritas:4001")
    }

    func testCantonCaseManagersReachEveryCase() {
        XCTAssertTrue(AccessPolicy.mayAccessCase(.canton("KSD"), responsibleOrg: "municipality:4001"))
        XCTAssertTrue(AccessPolicy.mayAccessCase(.canton("DVI"), responsibleOrg: "canton:KSD"))
        XCTAssertFalse(AccessPolicy.mayAccessCase(.canton("AWA"), responsibleOrg: "canton:KSD"))
    }

    func testAMunicipalityAndItsDelegatesReachOnlyTheirCases() {
        XCTAssertTrue(AccessPolicy.mayAccessCase(.municipality(bfs: 4001), responsibleOrg: "municipality:4001"))
        XCTAssertTrue(AccessPolicy.mayAccessCase(.delegate(name: "caritas", bfs: 4001), responsibleOrg: "municipality:4001"))
        XCTAssertTrue(AccessPolicy.mayAccessCase(.municipality(bfs: 4001), responsibleOrg: "delegate:caritas:4001"))
        XCTAssertFalse(AccessPolicy.mayAccessCase(.municipality(bfs: 4021), responsibleOrg: "municipality:4001"))
        XCTAssertFalse(AccessPolicy.mayAccessCase(.municipality(bfs: 4001), responsibleOrg: "canton:KSD"))
        XCTAssertFalse(AccessPolicy.mayAccessCase(.partner("RAV"), responsibleOrg: "municipality:4001"))
    }
}
