import Foundation
import IASKafka
import IASPostgres
import IASRuntime
import XCTest

/// `ias-admin rebuild-dossier` as operators run it, against the running suite: cases
/// through many paths, a rebuild that finds the dossier identical and does no work of its
/// own, a corrupted row that it names exactly, and a swap that repairs it.
final class DossierRebuildEndToEndTests: XCTestCase {
    nonisolated(unsafe) static var stack: TestStack!
    let canton = TestEnvironment.token(org: "canton:KSD")
    let approver = TestEnvironment.token(org: "canton:KSD", roles: ["caseworker", "approver"], subject: "approver-1")
    static let tag = String(UUID().uuidString.prefix(6))
    static var today: String { String(ISO8601DateFormatter().string(from: Date()).prefix(10)) }

    override class func setUp() {
        super.setUp()
        stack = TestStack.running(["intake", "assessment", "plan", "costs", "coordination"])
    }

    override class func tearDown() {
        stack.stop()
        super.tearDown()
    }

    func testTheRebuiltDossierIsIdenticalFindsACorruptedRowAndTheSwapRepairsItWithoutRepeatingAnyWork() throws {
        // A job-ready adult: consent, a granted and charged partner measure (automatic
        // referral), then a handover to a municipality.
        let adult = try register(status: "VA")
        _ = try assess(adult, level: "A2", schoolYears: 10, vocationalYears: 3)
        let adultPlan = try plan(of: adult, containing: ["AMIPLUS"])
        try giveConsent(adult, partner: "partner:RAV")
        let amiplus = try measure("AMIPLUS", in: adultPlan)
        let adultApproval = try requestApproval(adult, measureId: amiplus, amount: 600_000)
        try decide(adultApproval, decision: "granted")
        let charged = try client("costs").json("POST", "/cost-approvals/\(adultApproval)/charges", token: canton,
                                               body: ["amountRappen": 100_000, "invoiceRef": "INV-\(Self.tag)", "bookedOn": Self.today])
        XCTAssertEqual(charged.status, 201, charged.text)
        try transfer(adult, to: "municipality:4001")

        // An employment programme approved, enrolled, started and interrupted (a deviation).
        let worker = try register(status: "VA")
        _ = try assess(worker, level: "A1", schoolYears: 6)
        let programme = try measure("EMPLOYMENT_PROGRAMME", in: try plan(of: worker, containing: ["EMPLOYMENT_PROGRAMME"]))
        try decide(try requestApproval(worker, measureId: programme, amount: 300_000), decision: "granted")
        try waitForMeasure(worker, measureId: programme, status: "approved")
        for next in ["enrolled", "started"] { try move(worker, measureId: programme, to: next) }
        try move(worker, measureId: programme, to: "interrupted", reason: "health")

        // An asylum seeker regularised, then the case closed.
        let seeker = try register(status: "N")
        let regularised = try client("intake").json("POST", "/persons/\(seeker.personId)/regularization", token: canton,
                                                    body: ["status": "VA", "decidedOn": Self.today])
        XCTAssertEqual(regularised.status, 200, regularised.text)
        let closed = try client("intake").json("POST", "/persons/\(seeker.personId)/closure", token: canton,
                                               body: ["reason": "left_canton", "closedOn": Self.today])
        XCTAssertEqual(closed.status, 200, closed.text)

        // Wait for the dossiers, then until the live consumer has committed everything.
        try waitForDossier(adult, token: TestEnvironment.token(org: "municipality:4001")) { d in
            (d["responsibleOrg"] as? String) == "municipality:4001"
                && ((d["budget"] as? [String: Any])?["approvals"] as? [[String: Any]])?.first?["chargedRappen"] as? Int == 100_000
                && (d["referrals"] as? [Any])?.count == 1
        }
        try waitForDossier(worker) { d in
            let measures = (d["plan"] as? [String: Any])?["measures"] as? [[String: Any]] ?? []
            return measures.contains { ($0["measureId"] as? String) == programme && ($0["status"] as? String) == "interrupted" }
                && (d["deviations"] as? [Any])?.isEmpty == false
        }
        try waitForDossier(seeker) { d in d["closure"] is [String: Any] && d["regularisation"] is [String: Any] }
        try waitUntilTheDossierConsumerCommittedEverything()
        let workBefore = try coordinationWork()
        let dossierBefore = try dossier(worker)

        // 1. The rebuild finds the dossier identical and does none of coordination's work.
        let identical = try rebuild([])
        XCTAssertEqual(identical.status, 0, identical.text)
        XCTAssertTrue(identical.output.contains("dossier: identical"), identical.text)
        XCTAssertFalse(identical.output.contains("left out:"), identical.text)
        XCTAssertEqual(try coordinationWork(), workBefore, "the rebuild opened a task, sent a referral or wrote an event")

        // 2. One corrupted live row: the rebuild names exactly it.
        XCTAssertEqual(try superuser { c in
            try c.execute("UPDATE measures SET status = 'completed' WHERE measure_id = $1", [programme])
        }, 1)
        let corrupted = try rebuild(["--compare-only"])
        XCTAssertEqual(corrupted.status, 1, corrupted.text)
        XCTAssertTrue(corrupted.output.contains("dossier: 1 differences"), corrupted.text)
        XCTAssertTrue(corrupted.output.contains("different measures \(programme) (status)"), corrupted.text)
        let measuresLine = corrupted.output.split(separator: "\n").first { $0.hasPrefix("measures ") }.map(String.init) ?? ""
        XCTAssertEqual(measuresLine.split(separator: " ").suffix(3), ["0", "0", "1"], corrupted.text)
        XCTAssertEqual(try dossier(worker)["plan"].flatMap { ($0 as? [String: Any])?["measures"] as? [[String: Any]] }?
            .first { ($0["measureId"] as? String) == programme }?["status"] as? String, "completed", "the corruption is visible")

        // 3. With coordination stopped, the swap repairs it; the dossier answers as before.
        Self.stack["coordination"].stop()
        let swapped = try rebuild(["--swap"])
        XCTAssertEqual(swapped.status, 0, swapped.text)
        XCTAssertTrue(swapped.output.contains("after the swap: identical"), swapped.text)
        try Self.stack["coordination"].start()
        try Self.stack["coordination"].waitUntilReady()
        XCTAssertEqual(NSDictionary(dictionary: try dossier(worker)), NSDictionary(dictionary: dossierBefore))
        XCTAssertEqual(try coordinationWork(), workBefore, "the swap opened a task, sent a referral or wrote an event")
        let after = try rebuild([])
        XCTAssertEqual(after.status, 0, after.text)
    }

    func testASwapWhileTheLiveConsumerIsAheadIsRefusedAndChangesNothing() throws {
        // The rebuild reads to the committed offsets; events applied after them make the
        // live tables newer. Simulated here by an inbox row the rebuild never saw.
        let person = try register(status: "VA")
        try waitForDossier(person) { _ in true }
        try waitUntilTheDossierConsumerCommittedEverything()
        _ = try superuser { c in
            try c.execute("INSERT INTO inbox (consumer, event_id, topic, event_type) VALUES ('dossier', $1, 'ias.intake.v1', 'test')",
                          [UUID().uuidString.lowercased()])
        }
        XCTAssertEqual(try superuser { c in try c.execute("UPDATE cases SET given_name = 'Changed' WHERE case_id = $1", [person.caseId]) }, 1)
        let refused = try rebuild(["--swap"])
        XCTAssertEqual(refused.status, 2, refused.text)
        XCTAssertTrue(refused.errors.contains("swap refused, nothing changed"), refused.text)
        XCTAssertEqual(try superuser { c in try c.query("SELECT given_name FROM cases WHERE case_id = $1", [person.caseId])[0].string("given_name") },
                       "Changed")
        // Put things back for the other tests: the repaired row, the inbox without the stray event.
        try superuser { c in
            try c.execute("DELETE FROM inbox WHERE consumer = 'dossier' AND event_type = 'test'")
            try c.execute("UPDATE cases SET given_name = 'Amina' WHERE case_id = $1", [person.caseId])
        }
        XCTAssertEqual(try rebuild([]).status, 0)
    }

    // MARK: Steps

    struct Registered {
        let personId: String
        let caseId: String
    }

    struct ToolRun {
        let status: Int32
        let output: String
        let errors: String
        var text: String { "exit \(status)\n\(output)\(errors)" }
    }

    /// Runs the coordination executable with the operator command, as coordination's own role.
    private func rebuild(_ options: [String]) throws -> ToolRun {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: TestEnvironment.binDirectory).appendingPathComponent("ias-admin")
        process.arguments = ["rebuild-dossier"] + options
        var environment = TestEnvironment.serviceEnvironment("coordination", port: 0, instance: "rebuild-e2e")
        environment["IAS_JWT_SECRET"] = nil
        process.environment = environment
        let outputURL = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("rebuild-\(UUID().uuidString).out")
        let errorsURL = outputURL.appendingPathExtension("err")
        for url in [outputURL, errorsURL] { _ = FileManager.default.createFile(atPath: url.path, contents: nil) }
        defer { for url in [outputURL, errorsURL] { try? FileManager.default.removeItem(at: url) } }
        process.standardOutput = try FileHandle(forWritingTo: outputURL)
        process.standardError = try FileHandle(forWritingTo: errorsURL)
        try process.run()
        process.waitUntilExit()
        return ToolRun(status: process.terminationStatus, output: try String(contentsOf: outputURL, encoding: .utf8),
                       errors: try String(contentsOf: errorsURL, encoding: .utf8))
    }

    private func superuser<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        let pool = PostgresPool(configuration: PostgresConfiguration(url: "postgresql://postgres@127.0.0.1:\(TestEnvironment.postgresPort)/ias_coordination"),
                                logger: Logger(label: "e2e"))
        defer { pool.close() }
        return try pool.withConnection(body)
    }

    /// Tasks, referrals and the events of coordination's work (its own topic and the partners'):
    /// what that work leaves behind. Audit events of the test's own requests do not count.
    private func coordinationWork() throws -> [Int] {
        try superuser { c in
            try ["SELECT count(*) AS n FROM tasks", "SELECT count(*) AS n FROM referrals",
                 "SELECT count(*) AS n FROM outbox WHERE topic IN ('ias.coordination.v1', 'iiz.partner.rav.outbound.v1', 'iiz.partner.bks.outbound.v1')",
                 "SELECT count(*) AS n FROM timeline WHERE source = '/ias/coordination'"].map { try c.query($0)[0].int("n") }
        }
    }

    /// The rebuild reads up to the committed offsets; the test wants its cases below them.
    private func waitUntilTheDossierConsumerCommittedEverything() throws {
        let admin = try KafkaAdmin(configuration: KafkaConfiguration(brokers: TestEnvironment.brokers, clientId: "e2e-lag"), logger: Logger(label: "e2e"))
        defer { admin.close() }
        let done = try TestStack.eventually(within: 30) { () -> Bool? in
            for topic in ["ias.intake.v1", "ias.assessment.v1", "ias.plan.v1", "ias.costs.v1"] {
                guard try admin.lag(groupId: "ias-coordination-dossier", topic: topic, timeout: 10) == 0 else { return nil }
            }
            return true
        }
        XCTAssertEqual(done, true, "the dossier consumer did not commit everything within 30 s")
    }

    func client(_ name: String) throws -> RawHTTPClient { try Self.stack.client(name) }

    func register(status: String) throws -> Registered {
        var body = Fixtures.person(givenName: "Amina", familyName: "Rebuild-\(UUID().uuidString.prefix(8))", status: status)
        body["dateOfBirth"] = "1994-03-02"
        body["enteredCantonOn"] = Self.today
        if body["statusDecidedOn"] != nil { body["statusDecidedOn"] = Self.today }
        let response = try client("intake").json("POST", "/persons", token: canton, body: body)
        XCTAssertEqual(response.status, 201, response.text)
        let json = try response.json()
        return Registered(personId: try XCTUnwrap(json["personId"] as? String), caseId: try XCTUnwrap(json["caseId"] as? String))
    }

    func assess(_ person: Registered, level: String, schoolYears: Int, vocationalYears: Int = 0) throws -> [String: Any] {
        let body: [String: Any] = [
            "kind": "short", "heldOn": Self.today,
            "languageLevels": ["listening": level, "speaking": level, "reading": level, "writing": level],
            "literate": schoolYears > 0, "schoolYears": schoolYears, "vocationalYears": vocationalYears,
            "healthRestriction": "none", "childcareDuties": false, "goals": ["work"],
        ]
        let response = try eventually { () -> RawHTTPClient.Response? in
            let r = try self.client("assessment").json("POST", "/cases/\(person.caseId)/assessments", token: self.canton, body: body)
            return r.status == 404 ? nil : r
        }
        let answered = try XCTUnwrap(response, "the assessment service never learnt of the case")
        XCTAssertEqual(answered.status, 201, answered.text)
        return try answered.json()
    }

    func plan(of person: Registered, containing required: [String]) throws -> [String: Any] {
        let found = try eventually { () -> [String: Any]? in
            let r = try self.client("plan").json("GET", "/cases/\(person.caseId)/plan", token: self.canton)
            guard r.status == 200 else { return nil }
            let plan = try r.json()
            let codes = (plan["measures"] as? [[String: Any]] ?? []).compactMap { $0["catalogCode"] as? String }
            return Set(codes).isSuperset(of: required) ? plan : nil
        }
        return try XCTUnwrap(found, "the plan of \(person.caseId) never contained \(required)")
    }

    func measure(_ code: String, in plan: [String: Any]) throws -> String {
        let measures = plan["measures"] as? [[String: Any]] ?? []
        return try XCTUnwrap(measures.first { ($0["catalogCode"] as? String) == code }?["measureId"] as? String, "no \(code) measure")
    }

    func requestApproval(_ person: Registered, measureId: String, amount: Int) throws -> String {
        let response = try eventually { () -> RawHTTPClient.Response? in
            let r = try self.client("costs").json("POST", "/cost-approvals", token: self.canton, body: [
                "caseId": person.caseId, "measureId": measureId, "amountRappen": amount, "justification": "plan measure",
            ])
            return r.status == 201 ? r : nil
        }
        let json = try XCTUnwrap(response, "the cost approval request was never accepted").json()
        return try XCTUnwrap((json["approvalId"] ?? json["id"]) as? String)
    }

    func decide(_ approvalId: String, decision: String) throws {
        let r = try client("costs").json("POST", "/cost-approvals/\(approvalId)/decision", token: approver,
                                         body: ["decision": decision, "reason": "meets the plan"])
        XCTAssertEqual(r.status, 200, r.text)
    }

    func giveConsent(_ person: Registered, partner: String) throws {
        let response = try eventually { () -> RawHTTPClient.Response? in
            let r = try self.client("coordination").json("POST", "/cases/\(person.caseId)/consents", token: self.canton, body: [
                "partner": partner, "givenOn": Self.today, "documentRef": "DMS-\(Self.tag)",
            ])
            return r.status == 404 ? nil : r
        }
        XCTAssertEqual(response?.status, 201, response?.text ?? "")
    }

    func transfer(_ person: Registered, to org: String) throws {
        let r = try client("intake").json("POST", "/persons/\(person.personId)/responsibility", token: canton,
                                          body: ["toOrg": org, "effectiveOn": Self.today, "reason": "assignment"])
        XCTAssertEqual(r.status, 200, r.text)
    }

    func move(_ person: Registered, measureId: String, to status: String, reason: String? = nil) throws {
        var body: [String: Any] = ["status": status, "on": Self.today]
        if let reason { body["reason"] = reason }
        let r = try client("plan").json("POST", "/cases/\(person.caseId)/plan/measures/\(measureId)/status", token: canton, body: body)
        XCTAssertEqual(r.status, 200, r.text)
    }

    func waitForMeasure(_ person: Registered, measureId: String, status: String) throws {
        let reached = try eventually { () -> Bool? in
            let r = try self.client("plan").json("GET", "/cases/\(person.caseId)/plan", token: self.canton)
            guard r.status == 200 else { return nil }
            let measure = (try r.json()["measures"] as? [[String: Any]] ?? []).first { ($0["measureId"] as? String) == measureId }
            return (measure?["status"] as? String) == status ? true : nil
        }
        XCTAssertNotNil(reached, "measure \(measureId) never reached \(status)")
    }

    func dossier(_ person: Registered) throws -> [String: Any] {
        let r = try client("coordination").json("GET", "/cases/\(person.caseId)/dossier", token: canton)
        XCTAssertEqual(r.status, 200, r.text)
        return r.status == 200 ? try r.json() : [:]
    }

    func waitForDossier(_ person: Registered, token: String? = nil, _ complete: @escaping ([String: Any]) -> Bool) throws {
        var last = ""
        let reached = try TestStack.eventually(within: 30) { () -> Bool? in
            let r = try self.client("coordination").json("GET", "/cases/\(person.caseId)/dossier", token: token ?? self.canton)
            last = r.text
            guard r.status == 200 else { return nil }
            return complete(try r.json()) ? true : nil
        }
        XCTAssertNotNil(reached, "the dossier of \(person.caseId) never became complete: \(last.prefix(2000))")
    }

    func eventually<T>(_ body: () throws -> T?) throws -> T? { try TestStack.eventually(within: 15, body) }
}
