import Foundation
import IASContracts
import IASKafka
import IASPostgres
import IASRuntime
import IASHTTPClient
import TestSupport
import XCTest

/// `ias-admin rebuild-dossier` as operators run it, against the running suite: cases
/// through many paths, a rebuild that finds the dossier identical and does no work of its
/// own, a corrupted row that it names exactly, and a swap that repairs it.
final class DossierRebuildEndToEndTests: StackTestCase {
    let canton = TestEnvironment.token(org: "canton:KSD")
    let approver = TestEnvironment.token(org: "canton:KSD", roles: ["caseworker", "approver"], subject: "approver-1")
    var caseWorker: CaseWorker { CaseWorker(stack: Self.stack, caseworker: canton, approver: approver) }
    static let tag = String(UUID().uuidString.prefix(6))

    override class func startStack() -> TestStack { .running(TestStack.suite) }

    func testTheRebuiltDossierIsIdenticalFindsACorruptedRowAndTheSwapRepairsItWithoutRepeatingAnyWork() throws {
        // A job-ready adult: consent, a granted and charged partner measure (automatic
        // referral), then a handover to a municipality.
        let adult = try register(status: "VA")
        _ = try caseWorker.assess(adult.caseId, Assessment(level: "A2", literate: true, schoolYears: 10, vocationalYears: 3))
        let adultPlan = try caseWorker.plan(of: adult.caseId, containing: ["AMIPLUS"])
        try caseWorker.giveConsent(adult.caseId, partner: "partner:RAV", documentRef: "DMS-\(Self.tag)")
        let amiplus = try CaseWorker.measureId("AMIPLUS", in: adultPlan)
        let adultApproval = try caseWorker.requestApproval(adult.caseId, measureId: amiplus, amount: 600_000)
        try caseWorker.decide(adultApproval)
        let charged = try client("costs").json("POST", "/cost-approvals/\(adultApproval)/charges", token: canton,
                                               body: ["amountRappen": 100_000, "invoiceRef": "INV-\(Self.tag)", "bookedOn": PersonFactory.today])
        XCTAssertEqual(charged.status, 201, charged.text)
        try caseWorker.transfer(adult.personId, to: "municipality:4001")

        // An employment programme approved, enrolled, started and interrupted (a deviation).
        let participant = try register(status: "VA")
        _ = try caseWorker.assess(participant.caseId, Assessment(level: "A1", literate: true, schoolYears: 6))
        let programme = try CaseWorker.measureId("EMPLOYMENT_PROGRAMME", in: try caseWorker.plan(of: participant.caseId, containing: ["EMPLOYMENT_PROGRAMME"]))
        try caseWorker.decide(try caseWorker.requestApproval(participant.caseId, measureId: programme, amount: 300_000))
        try caseWorker.waitForMeasure(participant.caseId, measureId: programme, status: "approved")
        for next in ["enrolled", "started"] { try caseWorker.move(participant.caseId, measureId: programme, to: next) }
        try caseWorker.move(participant.caseId, measureId: programme, to: "interrupted", reason: "health")

        // An asylum seeker regularised, then the case closed.
        let seeker = try register(status: "N")
        let regularised = try client("intake").json("POST", "/persons/\(seeker.personId)/regularization", token: canton,
                                                    body: ["status": "VA", "decidedOn": PersonFactory.today])
        XCTAssertEqual(regularised.status, 200, regularised.text)
        let closed = try client("intake").json("POST", "/persons/\(seeker.personId)/closure", token: canton,
                                               body: ["reason": "left_canton", "closedOn": PersonFactory.today])
        XCTAssertEqual(closed.status, 200, closed.text)

        // Wait for the dossiers, then until the live consumer has committed everything.
        try caseWorker.dossier(adult.caseId, token: TestEnvironment.token(org: "municipality:4001"), within: 30) { d in
            (d["responsibleOrg"] as? String) == "municipality:4001"
                && ((d["budget"] as? [String: Any])?["approvals"] as? [[String: Any]])?.first?["chargedRappen"] as? Int == 100_000
                && (d["referrals"] as? [Any])?.count == 1
        }
        try caseWorker.dossier(participant.caseId, within: 30) { d in
            let measures = (d["plan"] as? [String: Any])?["measures"] as? [[String: Any]] ?? []
            return measures.contains { ($0["measureId"] as? String) == programme && ($0["status"] as? String) == "interrupted" }
                && (d["deviations"] as? [Any])?.isEmpty == false
        }
        try caseWorker.dossier(seeker.caseId, within: 30) { d in d["closure"] is [String: Any] && d["regularisation"] is [String: Any] }
        try waitUntilTheDossierConsumerCommittedEverything()
        let workBefore = try coordinationWork()
        let dossierBefore = try caseWorker.dossier(participant.caseId)

        // 1. The rebuild finds the dossier identical and does none of coordination's work.
        let identical = try rebuild([])
        XCTAssertEqual(identical.status, 0, identical.text)
        XCTAssertTrue(identical.output.contains("dossier: identical"), identical.text)
        XCTAssertFalse(identical.output.contains("left out:"), identical.text)
        XCTAssertEqual(try coordinationWork(), workBefore, "the rebuild opened a task, sent a referral or wrote an event")

        // 2. One corrupted live row: the rebuild names exactly it.
        XCTAssertEqual(try TestDatabase.withConnection(to: "ias_coordination") { c in
            try c.execute("UPDATE measures SET status = 'completed' WHERE measure_id = $1", [programme])
        }, 1)
        let corrupted = try rebuild(["--compare-only"])
        XCTAssertEqual(corrupted.status, 1, corrupted.text)
        XCTAssertTrue(corrupted.output.contains("dossier: 1 differences"), corrupted.text)
        XCTAssertTrue(corrupted.output.contains("different measures \(programme) (status)"), corrupted.text)
        let measuresLine = corrupted.output.split(separator: "\n").first { $0.hasPrefix("measures ") }.map(String.init) ?? ""
        XCTAssertEqual(measuresLine.split(separator: " ").suffix(3), ["0", "0", "1"], corrupted.text)
        XCTAssertEqual(try caseWorker.dossier(participant.caseId)["plan"].flatMap { ($0 as? [String: Any])?["measures"] as? [[String: Any]] }?
            .first { ($0["measureId"] as? String) == programme }?["status"] as? String, "completed", "the corruption is visible")

        // 3. With coordination stopped, the swap repairs it; the dossier answers as before.
        Self.stack["coordination"].stop()
        let swapped = try rebuild(["--swap"])
        XCTAssertEqual(swapped.status, 0, swapped.text)
        XCTAssertTrue(swapped.output.contains("after the swap: identical"), swapped.text)
        try Self.stack["coordination"].start()
        try Self.stack["coordination"].waitUntilReady()
        XCTAssertEqual(NSDictionary(dictionary: try caseWorker.dossier(participant.caseId)), NSDictionary(dictionary: dossierBefore))
        XCTAssertEqual(try coordinationWork(), workBefore, "the swap opened a task, sent a referral or wrote an event")
        let after = try rebuild([])
        XCTAssertEqual(after.status, 0, after.text)
    }

    func testASwapWhileTheLiveConsumerIsAheadIsRefusedAndChangesNothing() throws {
        // The rebuild reads to the committed offsets; events applied after them make the
        // live tables newer. Simulated here by an inbox row the rebuild never saw.
        let person = try register(status: "VA")
        try caseWorker.dossier(person.caseId, within: 30) { _ in true }
        try waitUntilTheDossierConsumerCommittedEverything()
        _ = try TestDatabase.withConnection(to: "ias_coordination") { c in
            try c.execute("INSERT INTO inbox (consumer, event_id, topic, event_type) VALUES ('dossier', $1, 'ias.intake.v1', 'test')",
                          [UUID().uuidString.lowercased()])
        }
        XCTAssertEqual(try TestDatabase.withConnection(to: "ias_coordination") { c in try c.execute("UPDATE cases SET given_name = 'Changed' WHERE case_id = $1", [person.caseId]) }, 1)
        let refused = try rebuild(["--swap"])
        XCTAssertEqual(refused.status, 2, refused.text)
        XCTAssertTrue(refused.errors.contains("swap refused, nothing changed"), refused.text)
        XCTAssertEqual(try TestDatabase.withConnection(to: "ias_coordination") { c in try c.query("SELECT given_name FROM cases WHERE case_id = $1", [person.caseId])[0].string("given_name") },
                       "Changed")
        // Put things back for the other tests: the repaired row, the inbox without the stray event.
        try TestDatabase.withConnection(to: "ias_coordination") { c in
            try c.execute("DELETE FROM inbox WHERE consumer = 'dossier' AND event_type = 'test'")
            try c.execute("UPDATE cases SET given_name = 'Amina' WHERE case_id = $1", [person.caseId])
        }
        XCTAssertEqual(try rebuild([]).status, 0)
    }

    // MARK: Steps

    /// Runs the operator command, as coordination's own role.
    private func rebuild(_ options: [String]) throws -> ToolRun {
        var environment = try TestEnvironment.serviceEnvironment("coordination", port: 0, instance: "rebuild-e2e")
        environment["IAS_JWT_SECRET"] = nil
        return try ToolRun.run("ias-admin", ["rebuild-dossier"] + options, environment: environment)
    }

    /// Tasks, referrals and the events of coordination's work (its own topic and the partners'):
    /// what that work leaves behind. Audit events of the test's own requests do not count, nor
    /// the audit trail's anchor, which the job of a (re)started coordination may write at once.
    private func coordinationWork() throws -> [Int] {
        try TestDatabase.withConnection(to: "ias_coordination") { c in
            try ["SELECT count(*) AS n FROM tasks", "SELECT count(*) AS n FROM referrals",
                 "SELECT count(*) AS n FROM outbox WHERE topic IN ('ias.coordination.v1', 'iiz.partner.rav.outbound.v1', 'iiz.partner.bks.outbound.v1') "
                    + "AND event_type <> '\(AuditTrailAnchored.eventType)'",
                 "SELECT count(*) AS n FROM timeline WHERE source = '/ias/coordination'"].map { try c.query($0)[0].int("n") }
        }
    }

    /// The rebuild reads up to the dossier consumer's committed offsets; the test wants its
    /// cases below them, and nothing of them still on its way. The dossier's lag alone does
    /// not say that: a reaction of plan, costs or assessment to the test's last steps (plan
    /// consumes coordination's topic too) may still sit in a consumer or an outbox, and would
    /// reach the dossier after the rebuild's end offsets. So: no unpublished outbox row in any
    /// service and no lag in any group that feeds the dossier, twice in a row, a second apart.
    private func waitUntilTheDossierConsumerCommittedEverything() throws {
        let admin = try KafkaAdmin(configuration: TestBroker.configuration("e2e-lag"), logger: TestBroker.logger)
        defer { admin.close() }
        let groups: [(group: String, topics: [String])] = [
            ("ias-assessment-cases", [Topics.intake]),
            ("ias-plan-cases", [Topics.intake, Topics.assessment, Topics.costs, Topics.coordination]),
            ("ias-costs-cases", [Topics.intake, Topics.plan]),
            ("ias-coordination-dossier", [Topics.intake, Topics.assessment, Topics.plan, Topics.costs]),
        ]
        func quiet() throws -> Bool {
            for service in TestStack.suite {
                let unpublished = try TestDatabase.withConnection(to: "ias_\(service)") { c in
                    try c.query("SELECT count(*) AS n FROM outbox WHERE published_at IS NULL")[0].int("n")
                }
                guard unpublished == 0 else { return false }
            }
            for (group, topics) in groups {
                for topic in topics where try admin.lag(groupId: group, topic: topic, timeout: 10) != 0 { return false }
            }
            return true
        }
        var quietBefore = false
        let done = try eventually(within: 30) { () -> Bool? in
            let now = try quiet()
            defer { quietBefore = now }
            guard now && quietBefore else { Thread.sleep(forTimeInterval: 1); return nil }
            return true
        }
        XCTAssertEqual(done, true, "the suite did not come to rest within 30 s (an outbox row unpublished or a consumer group behind)")
    }

    func client(_ name: String) throws -> HTTPClient { try Self.stack.client(name) }

    func register(status: String) throws -> CaseAPI.Registered {
        try caseWorker.register(NewPerson.sample(givenName: "Amina", familyName: "Rebuild-\(UUID().uuidString.prefix(8))", status: status)
            .enteredToday())
    }
}
