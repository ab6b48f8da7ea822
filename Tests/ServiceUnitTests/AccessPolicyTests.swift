import IASRuntime
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

    // MARK: Permissions

    private func caller(_ org: String, _ roles: Role...) -> Caller { Caller(organisation: Organisation(org)!, roles: Set(roles)) }

    func testWritesNeedTheCaseworkerRoleWhateverTheOrganisation() {
        XCTAssertNil(AccessPolicy.refusal(of: .writeCases, by: caller("municipality:4001", .caseworker)))
        XCTAssertNil(AccessPolicy.refusal(of: .writeCases, by: caller("canton:KSD", .caseworker)))
        XCTAssertNotNil(AccessPolicy.refusal(of: .writeCases, by: caller("canton:KSD", .auditor)))
        XCTAssertNotNil(AccessPolicy.refusal(of: .writeCases, by: caller("canton:KSD", .approver)))
        XCTAssertNotNil(AccessPolicy.refusal(of: .writeCases, by: caller("canton:KSD", .admin)))
        XCTAssertNotNil(AccessPolicy.refusal(of: .writeCases, by: caller("canton:KSD")))
    }

    func testATokenWithoutARoleThatReadsReadsNothing() {
        for permission in Permission.allCases {
            XCTAssertNotNil(AccessPolicy.refusal(of: permission, by: caller("canton:KSD")), "\(permission)")
            XCTAssertNotNil(AccessPolicy.refusal(of: permission, by: caller("canton:KSD", .admin)), "\(permission)")
        }
        XCTAssertNil(AccessPolicy.refusal(of: .readCases, by: caller("municipality:4001", .auditor)))
        XCTAssertNil(AccessPolicy.refusal(of: .readReference, by: caller("partner:RAV", .caseworker)))
    }

    func testCostDecisionsAndTheAuditTrailBelongToTheOfficesThatSeeEveryCase() {
        XCTAssertNil(AccessPolicy.refusal(of: .decideCosts, by: caller("canton:KSD", .approver)))
        XCTAssertNil(AccessPolicy.refusal(of: .decideCosts, by: caller("canton:DVI", .approver)))
        for org in ["canton:AWA", "canton:BKS", "municipality:4001", "delegate:caritas:4001", "partner:RAV"] {
            XCTAssertNotNil(AccessPolicy.refusal(of: .decideCosts, by: caller(org, .approver, .caseworker, .auditor)), org)
            XCTAssertNotNil(AccessPolicy.refusal(of: .readAuditTrail, by: caller(org, .approver, .caseworker, .auditor)), org)
        }
        XCTAssertNotNil(AccessPolicy.refusal(of: .decideCosts, by: caller("canton:KSD", .caseworker)))
        XCTAssertNil(AccessPolicy.refusal(of: .readAuditTrail, by: caller("canton:DVI", .auditor)))
        XCTAssertNotNil(AccessPolicy.refusal(of: .readAuditTrail, by: caller("canton:KSD", .caseworker, .approver)))
    }

    func testTheExportOfAPersonIsForTheAuditorsOfTheOfficesThatSeeEveryCase() {
        XCTAssertNil(AccessPolicy.refusal(of: .exportSubjectData, by: caller("canton:DVI", .auditor)))
        XCTAssertNil(AccessPolicy.refusal(of: .exportSubjectData, by: caller("canton:KSD", .auditor)))
        XCTAssertNotNil(AccessPolicy.refusal(of: .exportSubjectData, by: caller("canton:KSD", .caseworker, .approver)))
        for org in ["canton:AWA", "municipality:4001", "delegate:caritas:4001", "partner:RAV"] {
            XCTAssertNotNil(AccessPolicy.refusal(of: .exportSubjectData, by: caller(org, .approver, .caseworker, .auditor)), org)
        }
    }

    func testTheIndicatorsAreForTheCantonsOffices() {
        XCTAssertNil(AccessPolicy.refusal(of: .readIndicators, by: caller("canton:AWA", .caseworker)))
        XCTAssertNotNil(AccessPolicy.refusal(of: .readIndicators, by: caller("municipality:4001", .caseworker)))
        XCTAssertNotNil(AccessPolicy.refusal(of: .readIndicators, by: caller("partner:RAV", .caseworker)))
    }

    // MARK: Scopes

    func testAwaAndBksSeeNoCaseButTheirReferrals() {
        XCTAssertEqual(AccessPolicy.caseScope(.canton("AWA")), .none)
        XCTAssertEqual(AccessPolicy.caseScope(.canton("BKS")), .none)
        XCTAssertEqual(AccessPolicy.referralScope(.canton("AWA")), .sentTo("partner:RAV"))
        XCTAssertEqual(AccessPolicy.referralScope(.partner("RAV")), .sentTo("partner:RAV"))
        XCTAssertEqual(AccessPolicy.referralScope(.canton("BKS")), .sentTo("canton:BKS"))
        XCTAssertEqual(AccessPolicy.referralScope(.delegate(name: "caritas", bfs: 4001)), .municipality(4001))
        XCTAssertEqual(AccessPolicy.taskScope(.canton("AWA")), .office("canton:AWA"))
        XCTAssertEqual(AccessPolicy.taskScope(.partner("RAV")), .none)
    }

    func testOnlyTheCantonAndTheResponsibleMunicipalityHandACaseOver() {
        XCTAssertTrue(AccessPolicy.mayHandOver(.canton("DVI"), currentlyResponsible: .municipality(bfs: 4001)))
        XCTAssertFalse(AccessPolicy.mayHandOver(.canton("AWA"), currentlyResponsible: .canton("KSD")))
        XCTAssertFalse(AccessPolicy.mayHandOver(.delegate(name: "caritas", bfs: 4001), currentlyResponsible: .municipality(bfs: 4001)))
    }

    func testOnlyAnApproverOfACaseOfficeOverridesConsent() {
        XCTAssertTrue(AccessPolicy.mayOverrideLegalBasis(caller("canton:KSD", .approver)))
        XCTAssertFalse(AccessPolicy.mayOverrideLegalBasis(caller("canton:KSD", .caseworker)))
        XCTAssertFalse(AccessPolicy.mayOverrideLegalBasis(caller("canton:BKS", .approver)))
        XCTAssertFalse(AccessPolicy.mayOverrideLegalBasis(caller("municipality:4001", .approver)))
    }
}
