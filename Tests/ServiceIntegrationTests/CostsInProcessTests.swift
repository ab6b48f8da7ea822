import CostsService
import Foundation
import IASContracts
import IASRuntime
import TestSupport
import XCTest

/// Costs' budget arithmetic in process against PostgreSQL: a budget opened from intake's
/// event, measures learnt from plan's, two approvals counted against the lump sum, the
/// threshold event written once, a grant that would overdraw it refused, charges within the grant.
final class CostsInProcessTests: XCTestCase {
    nonisolated(unsafe) static var costs: InProcessService!
    let canton = TestEnvironment.token(org: "canton:KSD")
    let approver = TestEnvironment.token(org: "canton:KSD", roles: ["caseworker", "approver"], subject: "approver-in-process")

    override class func setUp() {
        super.setUp()
        do {
            costs = try InProcessService("costs", module: "CostsService", publishes: [Topics.costs], usesCaseRegistry: true) {
                CostsApp(host: $0).register()
            }
        } catch { fatalError("costs did not start in process: \(error)") }
    }

    override class func tearDown() {
        costs = nil
        super.tearDown()
    }

    private struct Approval: Encodable { let caseId: String; let measureId: String; let amountRappen: Int; let justification: String }
    private struct Decision: Encodable { let decision: String; var amountRappen: Int?; let reason: String }


    /// A recognised refugee's case with its budget open and `count` lump-sum measures known.
    private func caseWithMeasures(_ count: Int) throws -> (caseId: Identifier, measures: [Identifier]) {
        let caseId = Identifier()
        try Self.costs.apply(PersonRegistered.sample(caseId: caseId, givenName: "Omar", familyName: "Budget"), subject: caseId.description)
        let measures = (0..<count).map { _ in Identifier() }
        for measureId in measures {
            try Self.costs.apply(MeasurePlanned(caseId: caseId, planId: Identifier(), measureId: measureId, catalogCode: "EMPLOYMENT_PROGRAMME",
                                                fieldOfAction: "work", fundingSource: .lumpSum, startsOn: .today(), estimatedCostRappen: 500_000),
                                 subject: caseId.description)
        }
        return (caseId, measures)
    }

    private func request(_ caseId: Identifier, _ measureId: Identifier, _ amount: Int) throws -> String {
        let answer = try Self.costs.request("POST", "/cost-approvals", token: canton,
                                            body: Approval(caseId: caseId.description, measureId: measureId.description, amountRappen: amount,
                                                           justification: "per plan"))
        XCTAssertEqual(answer.status, 201, String(decoding: answer.body, as: UTF8.self))
        return try XCTUnwrap(try JSONParser.parse(answer.body)["approvalId"]?.stringValue)
    }

    private func decide(_ approvalId: String, _ decision: Decision) throws -> (status: Int, body: JSONValue) {
        let answer = try Self.costs.request("POST", "/cost-approvals/\(approvalId)/decision", token: approver, body: decision)
        return (answer.status, try JSONParser.parse(answer.body))
    }

    private func budget(_ caseId: Identifier) throws -> JSONValue {
        let answer = try Self.costs.request("GET", "/cases/\(caseId)/budget", token: canton)
        XCTAssertEqual(answer.status, 200)
        return try JSONParser.parse(answer.body)
    }

    func testTwoApprovalsAreCountedAgainstTheLumpSumAndTheThresholdIsReachedOnce() throws {
        let (caseId, measures) = try caseWithMeasures(3)
        let opened = try Self.costs.published(type: BudgetOpened.eventType).map { try $0.envelope.payload(BudgetOpened.self) }
        XCTAssertEqual(opened.filter { $0.caseId == caseId }.map(\.lumpSumRappen), [1_800_000], "the budget opens once, with the lump sum")

        let first = try request(caseId, measures[0], 1_000_000)
        let second = try request(caseId, measures[1], 500_000)
        XCTAssertEqual(try decide(first, Decision(decision: "granted", reason: "per plan")).status, 200)
        var b = try budget(caseId)
        XCTAssertEqual(b["committedRappen"], .number(1_000_000))
        XCTAssertEqual(b["remainingRappen"], .number(800_000))
        XCTAssertEqual(b["thresholdReached"], .bool(false))

        // 1,000,000 + 450,000 of 1,800,000 is 80.6 %: the threshold of 80 % is reached by this grant.
        let partial = try decide(second, Decision(decision: "partially_granted", amountRappen: 450_000, reason: "cheaper provider"))
        XCTAssertEqual(partial.status, 200)
        XCTAssertEqual(partial.body["grantedRappen"], .number(450_000))
        b = try budget(caseId)
        XCTAssertEqual(b["committedRappen"], .number(1_450_000))
        XCTAssertEqual(b["remainingRappen"], .number(350_000))
        XCTAssertEqual(b["thresholdReached"], .bool(true))

        // More than what remains is refused and changes nothing; another source may pay it.
        let third = try request(caseId, measures[2], 400_000)
        let refused = try decide(third, Decision(decision: "granted", reason: "full programme"))
        XCTAssertEqual(refused.status, 422)
        XCTAssertEqual(refused.body["remainingRappen"], .number(350_000))
        XCTAssertEqual(try budget(caseId)["committedRappen"], .number(1_450_000))

        let events = try Self.costs.published().filter { $0.envelope.subject == caseId.description }
        XCTAssertEqual(Set(events.map(\.topic)), [Topics.costs, Topics.audit])
        let decided = try events.filter { $0.envelope.type == CostApprovalDecided.eventType }.map { try $0.envelope.payload(CostApprovalDecided.self) }
        XCTAssertEqual(decided.map(\.grantedRappen), [1_000_000, 450_000], "a refused decision publishes nothing")
        let thresholds = try events.filter { $0.envelope.type == BudgetThresholdReached.eventType }
            .map { try $0.envelope.payload(BudgetThresholdReached.self) }
        XCTAssertEqual(thresholds.map(\.committedRappen), [1_450_000], "the threshold event is written once")
        XCTAssertEqual(thresholds.first?.thresholdPercent, 80)
    }

    func testChargesStayWithinTheGrantAndAreSpentFromTheBudget() throws {
        struct Charge: Encodable { let amountRappen: Int; let invoiceRef: String; let bookedOn: String }
        let (caseId, measures) = try caseWithMeasures(1)
        let approval = try request(caseId, measures[0], 600_000)
        XCTAssertEqual(try decide(approval, Decision(decision: "granted", reason: "per plan")).status, 200)
        let path = "/cost-approvals/\(approval)/charges"
        let today = CalendarDate.today().description
        XCTAssertEqual(try Self.costs.request("POST", path, token: canton, body: Charge(amountRappen: 600_001, invoiceRef: "INV-1", bookedOn: today)).status, 422)
        XCTAssertEqual(try Self.costs.request("POST", path, token: canton, body: Charge(amountRappen: 400_000, invoiceRef: "INV-1", bookedOn: today)).status, 201)
        XCTAssertEqual(try Self.costs.request("POST", path, token: canton, body: Charge(amountRappen: 1, invoiceRef: "INV-1", bookedOn: today)).status, 409,
                       "the same invoice twice")
        XCTAssertEqual(try Self.costs.request("POST", path, token: canton, body: Charge(amountRappen: 200_001, invoiceRef: "INV-2", bookedOn: today)).status, 422,
                       "the charges together stay within the grant")
        let b = try budget(caseId)
        XCTAssertEqual(b["committedRappen"], .number(600_000))
        XCTAssertEqual(b["spentRappen"], .number(400_000))
        XCTAssertEqual(b["remainingRappen"], .number(1_200_000))
    }
}
