import Foundation
import IASHTTPClient
import TestSupport
import XCTest

/// The costs service through a real process: budgets opened from intake's events, cost
/// approvals for measures learnt from the plan's events, decisions that never overdraw the
/// lump sum (also when they race), charges within the grant and the threshold event.
final class CostsEndToEndTests: StackTestCase {
    nonisolated(unsafe) static var events: UpstreamEvents!
    let canton = TestEnvironment.token(org: "canton:KSD")
    let approver = TestEnvironment.token(org: "canton:KSD", roles: ["caseworker", "approver"])

    override class func startStack() -> TestStack { .running(["costs"], warmUp: false) }

    override class func setUp() {
        super.setUp()
        do { events = try UpstreamEvents("costs") } catch { stack.stop(); fatalError("no producer: \(error)") }
    }

    override class func tearDown() {
        events?.close()
        super.tearDown()
    }

    var costs: HTTPClient { get throws { try Self.stack.client("costs") } }

    /// A VA case with an open budget and the given lump-sum measures known to costs.
    func caseWithBudget(measures: Int, status: String = "VA") throws -> (caseId: String, measureIds: [String]) {
        let caseId = UUID().uuidString.lowercased()
        try Self.events.registered(caseId, status: status)
        let ids = (0..<measures).map { _ in UUID().uuidString.lowercased() }
        for id in ids { try Self.events.measurePlanned(caseId, measureId: id) }
        // The registration has arrived once the case answers; measures are awaited by `request`.
        let known = try eventually(within: 30) { () -> Bool? in
            try costs.json("GET", "/cases/\(caseId)/budget", token: canton).status == 200 ? true : nil
        }
        XCTAssertEqual(known, true)
        return (caseId, ids)
    }

    func request(_ caseId: String, _ measureId: String, _ amount: Int, token: String? = nil) throws -> HTTPClientResponse {
        var last: HTTPClientResponse?
        _ = try eventually(within: 20) { () -> Bool? in
            let r = try costs.json("POST", "/cost-approvals", token: token ?? canton,
                                   body: ["caseId": caseId, "measureId": measureId, "amountRappen": amount, "justification": "per plan"])
            last = r
            // 422 "unknown measure" while the MeasurePlanned is still on its way.
            return r.status == 422 && r.text.contains("not known") ? nil : true
        }
        return try XCTUnwrap(last)
    }

    func approvalId(_ r: HTTPClientResponse) throws -> String {
        XCTAssertEqual(r.status, 201, r.text)
        return try XCTUnwrap(try r.object()["approvalId"] as? String)
    }

    func budget(_ caseId: String) throws -> [String: Any] { try costs.json("GET", "/cases/\(caseId)/budget", token: canton).object() }

    func testABudgetOpensForVAAndFLButNotForAsylumSeekers() throws {
        let va = try caseWithBudget(measures: 0)
        let opened = try eventually(within: 10) { () -> [String: Any]? in
            let b = try budget(va.caseId); return b["budgetOpen"] as? Bool == true ? b : nil
        }
        XCTAssertEqual(opened?["lumpSumRappen"] as? Int, 1_800_000)
        XCTAssertEqual(opened?["remainingRappen"] as? Int, 1_800_000)

        let n = try caseWithBudget(measures: 1, status: "N")
        XCTAssertEqual(try budget(n.caseId)["budgetOpen"] as? Bool, false)
        let refused = try request(n.caseId, n.measureIds[0], 100_000)
        XCTAssertEqual(refused.status, 422)
        XCTAssertTrue(refused.text.contains("status N"), refused.text)
        try Self.events.regularized(n.caseId, to: "FL")
        let later = try eventually(within: 10) { () -> Bool? in try budget(n.caseId)["budgetOpen"] as? Bool == true ? true : nil }
        XCTAssertEqual(later, true, "the regularisation opens the budget")
        XCTAssertEqual(try request(n.caseId, n.measureIds[0], 100_000).status, 201)
    }

    func testRequestDecideChargeAndTheirRules() throws {
        let c = try caseWithBudget(measures: 2)
        let unknown = try costs.json("POST", "/cost-approvals", token: canton,
                                     body: ["caseId": c.caseId, "measureId": UUID().uuidString.lowercased(), "amountRappen": 5, "justification": "x"])
        XCTAssertEqual(unknown.status, 422, "unknown measure")
        let other = try caseWithBudget(measures: 0)
        let wrongCase = try request(other.caseId, c.measureIds[0], 1000)
        XCTAssertEqual(wrongCase.status, 422, "the measure belongs to another case")
        let invalid = try costs.json("POST", "/cost-approvals", token: canton,
                                     body: ["caseId": c.caseId, "measureId": c.measureIds[0], "amountRappen": 0, "justification": " "])
        XCTAssertEqual(invalid.status, 400)
        XCTAssertEqual(Set(((try invalid.object()["errors"] as? [[String: Any]]) ?? []).compactMap { $0["field"] as? String }),
                       ["amountRappen", "justification"])

        let id = try approvalId(try request(c.caseId, c.measureIds[0], 600_000))
        XCTAssertEqual(try request(c.caseId, c.measureIds[0], 600_000).status, 409, "one open request per measure")
        let decision: [String: Any] = ["decision": "partially_granted", "amountRappen": 450_000, "reason": "cheaper provider"]
        XCTAssertEqual(try costs.json("POST", "/cost-approvals/\(id)/decision", token: canton, body: decision).status, 403, "caseworker")
        XCTAssertEqual(try costs.json("POST", "/cost-approvals/\(id)/decision",
                                      token: TestEnvironment.token(org: "municipality:4001", roles: ["approver"]), body: decision).status, 403,
                       "a municipality's approver does not decide")
        let noAmount = try costs.json("POST", "/cost-approvals/\(id)/decision", token: approver, body: ["decision": "partially_granted", "reason": "x"])
        XCTAssertEqual(noAmount.status, 400)
        let decided = try costs.json("POST", "/cost-approvals/\(id)/decision", token: approver, body: decision)
        XCTAssertEqual(decided.status, 200, decided.text)
        XCTAssertEqual(try decided.object()["grantedRappen"] as? Int, 450_000)
        XCTAssertEqual(try costs.json("POST", "/cost-approvals/\(id)/decision", token: approver, body: decision).status, 409, "decided once")

        let over = try costs.json("POST", "/cost-approvals/\(id)/charges", token: canton,
                                  body: ["amountRappen": 450_001, "invoiceRef": "INV-1", "bookedOn": "2026-06-30"])
        XCTAssertEqual(over.status, 422, "never more than granted")
        let charged = try costs.json("POST", "/cost-approvals/\(id)/charges", token: canton,
                                     body: ["amountRappen": 300_000, "invoiceRef": "INV-1", "bookedOn": "2026-06-30"])
        XCTAssertEqual(charged.status, 201, charged.text)
        XCTAssertEqual(try costs.json("POST", "/cost-approvals/\(id)/charges", token: canton,
                                      body: ["amountRappen": 1000, "invoiceRef": "INV-1", "bookedOn": "2026-06-30"]).status, 409, "same invoice twice")
        XCTAssertEqual(try costs.json("POST", "/cost-approvals/\(id)/charges", token: canton,
                                      body: ["amountRappen": 150_001, "invoiceRef": "INV-2", "bookedOn": "2026-07-31"]).status, 422,
                       "the sum of the charges stays within the grant")

        let b = try budget(c.caseId)
        XCTAssertEqual(b["committedRappen"] as? Int, 450_000)
        XCTAssertEqual(b["spentRappen"] as? Int, 300_000)
        XCTAssertEqual(b["remainingRappen"] as? Int, 1_350_000)
        XCTAssertEqual((b["approvals"] as? [Any])?.count, 1)

        let rejectedId = try approvalId(try request(c.caseId, c.measureIds[1], 100_000))
        let rejected = try costs.json("POST", "/cost-approvals/\(rejectedId)/decision", token: approver, body: ["decision": "rejected", "reason": "not needed"])
        XCTAssertEqual(rejected.status, 200)
        XCTAssertEqual(try costs.json("POST", "/cost-approvals/\(rejectedId)/charges", token: canton,
                                      body: ["amountRappen": 1, "invoiceRef": "INV-3", "bookedOn": "2026-07-31"]).status, 409)
        XCTAssertEqual(try request(c.caseId, c.measureIds[1], 80_000).status, 201, "after a rejection a new request may follow")
        let pending = try costs.json("GET", "/cost-approvals?status=requested&caseId=\(c.caseId)", token: approver).object()
        XCTAssertEqual((pending["items"] as? [Any])?.count, 1)
        XCTAssertEqual(try costs.json("GET", "/cost-approvals/\(id)", token: TestEnvironment.token(org: "municipality:4001")).status, 403)
    }

    func testTwoConcurrentGrantsThatTogetherExceedTheRemainingBudgetCannotBothSucceed() throws {
        let c = try caseWithBudget(measures: 3)
        let first = try approvalId(try request(c.caseId, c.measureIds[0], 1_000_000))
        let second = try approvalId(try request(c.caseId, c.measureIds[1], 1_000_000))
        let results = StatusBox()
        let port = Self.stack["costs"].port
        let token = approver
        let ids = [first, second]
        DispatchQueue.concurrentPerform(iterations: 2) { i in
            let client = try? HTTPClient.connected(port: port)
            let r = try? client?.json("POST", "/cost-approvals/\(ids[i])/decision", token: token,
                                      body: ["decision": "granted", "reason": "race"])
            results.set(i, r?.status ?? -1)
        }
        let statuses = results.values
        XCTAssertEqual(statuses.sorted(), [200, 422], "exactly one grant succeeds: \(statuses)")
        XCTAssertEqual(try budget(c.caseId)["committedRappen"] as? Int, 1_000_000)

        // Beyond the remaining lump sum only with another funding source.
        let loser = statuses[0] == 422 ? first : second
        let other = try costs.json("POST", "/cost-approvals/\(loser)/decision", token: approver,
                                   body: ["decision": "granted", "reason": "paid by the municipality", "fundingSource": "other"])
        XCTAssertEqual(other.status, 200, other.text)
        var b = try budget(c.caseId)
        XCTAssertEqual(b["committedRappen"] as? Int, 1_000_000, "another source does not count against the lump sum")
        XCTAssertEqual(b["otherFundingCommittedRappen"] as? Int, 1_000_000)
        XCTAssertEqual(b["thresholdReached"] as? Bool, false)

        // 1,000,000 + 500,000 of 1,800,000 is 83 %: the threshold of 80 % is reached, once.
        let third = try approvalId(try request(c.caseId, c.measureIds[2], 500_000))
        XCTAssertEqual(try costs.json("POST", "/cost-approvals/\(third)/decision", token: approver,
                                      body: ["decision": "granted", "reason": "ok"]).status, 200)
        b = try budget(c.caseId)
        XCTAssertEqual(b["thresholdReached"] as? Bool, true)
        XCTAssertEqual(b["remainingRappen"] as? Int, 300_000)
    }
}

/// Statuses written by concurrent requests.
final class StatusBox: @unchecked Sendable {
    private let lock = NSLock()
    private var stored = [Int](repeating: 0, count: 2)
    func set(_ i: Int, _ status: Int) { lock.lock(); stored[i] = status; lock.unlock() }
    var values: [Int] { lock.lock(); defer { lock.unlock() }; return stored }
}
