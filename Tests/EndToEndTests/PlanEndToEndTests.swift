import Foundation
import IASKafka
import IASMessaging
import IASRuntime
import XCTest

/// Publishes upstream events (intake, assessment, coordination) straight onto their topics, so
/// that plan and costs can be driven without the services that own them.
final class UpstreamEvents {
    let producer: KafkaProducer

    init(_ name: String) throws {
        producer = try KafkaProducer(configuration: KafkaConfiguration(brokers: TestEnvironment.brokers, clientId: "e2e-\(name)"),
                                     logger: Logger(label: "e2e"))
    }

    func close() { producer.close(timeout: 5) }

    func publish(_ type: String, topic: String, caseId: String, _ data: [String: Any], org: String = "canton:KSD") throws {
        let envelope = EventEnvelope(type: type, source: "/ias/\(type.split(separator: ".")[0])", subject: caseId,
                                     correlationid: Identifier(), actorsub: "e2e", actororg: org,
                                     data: try JSONParser.parse(JSONSerialization.data(withJSONObject: data)))
        let record = try KafkaRecord.event(envelope, topic: topic)
        for result in producer.send([record], timeout: 10) { try result.get() }
    }

    func registered(_ caseId: String, status: String, dateOfBirth: String = "1990-05-14", org: String = "canton:KSD") throws {
        var data: [String: Any] = [
            "personId": UUID().uuidString.lowercased(), "caseId": caseId, "givenName": "Test", "familyName": "Person",
            "dateOfBirth": dateOfBirth, "sex": "female", "nationality": "ER", "languages": ["ti"], "status": status,
            "enteredCantonOn": "2026-03-02", "accommodation": "cantonal", "responsibleOrg": org,
        ]
        if status != "N" { data["statusDecidedOn"] = "2026-02-20" }
        try publish("intake.PersonRegistered", topic: "ias.intake.v1", caseId: caseId, data)
    }

    func regularized(_ caseId: String, to status: String = "VA", on date: String = "2026-06-01") throws {
        try publish("intake.StatusRegularized", topic: "ias.intake.v1", caseId: caseId, [
            "personId": UUID().uuidString.lowercased(), "caseId": caseId, "previousStatus": "N", "status": status, "decidedOn": date])
    }

    func transferred(_ caseId: String, from: String, to: String, reason: String = "assignment") throws {
        try publish("intake.ResponsibilityTransferred", topic: "ias.intake.v1", caseId: caseId, [
            "personId": UUID().uuidString.lowercased(), "caseId": caseId, "fromOrg": from, "toOrg": to,
            "effectiveOn": "2026-10-01", "reason": reason])
    }

    func targetGroup(_ caseId: String, _ group: String, pathway: String, on date: String = "2026-04-01") throws {
        try publish("assessment.TargetGroupAssigned", topic: "ias.assessment.v1", caseId: caseId, [
            "caseId": caseId, "targetGroup": group, "pathway": pathway, "decidedOn": date, "ageAtDecision": 35,
            "ruleSetVersion": "2026.1", "ruleId": "e2e", "potentialAssessmentDue": false])
    }

    func partnerUpdate(_ caseId: String, measureId: String, update: String, outcome: String? = nil) throws {
        var data: [String: Any] = ["caseId": caseId, "referralId": UUID().uuidString.lowercased(), "partner": "partner:RAV",
                                   "measureId": measureId, "update": update, "on": "2026-11-02"]
        if let outcome { data["outcome"] = outcome }
        try publish("coordination.PartnerUpdateReceived", topic: "ias.coordination.v1", caseId: caseId, data)
    }

    func measurePlanned(_ caseId: String, measureId: String, code: String = "AMIPLUS", funding: String = "lump_sum",
                        cost: Int = 600_000) throws {
        try publish("plan.MeasurePlanned", topic: "ias.plan.v1", caseId: caseId, [
            "caseId": caseId, "planId": UUID().uuidString.lowercased(), "measureId": measureId, "catalogCode": code,
            "fieldOfAction": "work", "fundingSource": funding, "startsOn": "2026-05-01", "estimatedCostRappen": cost])
    }
}

/// The plan service through real processes, with costs beside it: drafting from the pathway,
/// the measure state machine, cost decisions that approve measures, partner answers,
/// agreement, reviews and the final report at a handover.
final class PlanEndToEndTests: XCTestCase {
    nonisolated(unsafe) static var stack: TestStack!
    nonisolated(unsafe) static var events: UpstreamEvents!
    let canton = TestEnvironment.token(org: "canton:KSD")
    let approver = TestEnvironment.token(org: "canton:KSD", roles: ["caseworker", "approver"])

    override class func setUp() {
        super.setUp()
        setenv("IAS_REVIEW_CHECK_INTERVAL_SECONDS", "0.5", 1)
        stack = TestStack(["plan", "costs"])
        do {
            try stack.start()
            events = try UpstreamEvents("plan")
        } catch { stack.stop(); fatalError("the stack did not start: \(error)") }
    }

    override class func tearDown() {
        events?.close()
        stack.stop()
        unsetenv("IAS_REVIEW_CHECK_INTERVAL_SECONDS")
        super.tearDown()
    }

    /// Today (UTC) moved by whole months, as YYYY-MM-DD.
    static func date(monthsFromToday months: Int) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let d = calendar.dateComponents([.year, .month, .day], from: calendar.date(byAdding: .month, value: months, to: Date())!)
        return String(format: "%04d-%02d-%02d", d.year!, d.month!, d.day!)
    }

    var plan: RawHTTPClient { get throws { try Self.stack.client("plan") } }
    var costs: RawHTTPClient { get throws { try Self.stack.client("costs") } }

    /// Polls the plan until `condition` holds (consumer groups may still be joining).
    func waitForPlan(_ caseId: String, token: String? = nil, within: Double = 30, _ condition: @escaping ([String: Any]) -> Bool) throws -> [String: Any] {
        let found = try TestStack.eventually(within: within) { () -> [String: Any]? in
            let r = try plan.json("GET", "/cases/\(caseId)/plan", token: token ?? canton)
            guard r.status == 200, let body = try? r.json(), condition(body) else { return nil }
            return body
        }
        return try XCTUnwrap(found, "the plan of \(caseId) did not reach the expected state")
    }

    func measures(_ plan: [String: Any]) -> [[String: Any]] { plan["measures"] as? [[String: Any]] ?? [] }
    func measure(_ plan: [String: Any], _ code: String) -> [String: Any]? {
        measures(plan).first { $0["catalogCode"] as? String == code && $0["status"] as? String != "dropped" }
    }

    func testARefugeesPlanIsDraftedFromThePathwayAndFollowsCostDecisionsAndPartnerAnswers() throws {
        let caseId = UUID().uuidString.lowercased()
        try Self.events.registered(caseId, status: "FL")
        try Self.events.targetGroup(caseId, "labour_market_ready", pathway: "labour_market")
        var drafted = try waitForPlan(caseId) { self.measures($0).count == 4 }
        XCTAssertEqual(drafted["status"] as? String, "draft")
        XCTAssertEqual(measures(drafted).map { $0["catalogCode"] as? String }, ["GER_A1", "GER_A2", "AMIPLUS", "EMPLOYMENT_PROGRAMME"])
        XCTAssertEqual(Set(measures(drafted).map { $0["status"] as? String }), ["planned"], "lump-sum measures wait for a cost approval")
        let amiplus = try XCTUnwrap(measure(drafted, "AMIPLUS"))
        XCTAssertEqual(amiplus["partner"] as? String, "partner:RAV")
        let amiplusId = try XCTUnwrap(amiplus["measureId"] as? String)

        // No enrolment before the cost approval: 409.
        let early = try plan.json("POST", "/cases/\(caseId)/plan/measures/\(amiplusId)/status", token: canton,
                                  body: ["status": "enrolled", "on": "2026-04-10"])
        XCTAssertEqual(early.status, 409, early.text)

        // Costs learnt the measure from MeasurePlanned; the canton grants it; the plan follows.
        let requested = try TestStack.eventually(within: 20) { () -> [String: Any]? in
            let r = try costs.json("POST", "/cost-approvals", token: canton,
                                   body: ["caseId": caseId, "measureId": amiplusId, "amountRappen": 600_000, "justification": "AMIplus at the RAV"])
            return r.status == 201 ? try r.json() : nil
        }
        let approvalId = try XCTUnwrap(try XCTUnwrap(requested)["approvalId"] as? String)
        let granted = try costs.json("POST", "/cost-approvals/\(approvalId)/decision", token: approver,
                                     body: ["decision": "granted", "reason": "fits the plan"])
        XCTAssertEqual(granted.status, 200, granted.text)
        drafted = try waitForPlan(caseId) { self.measure($0, "AMIPLUS")?["status"] as? String == "approved" }
        XCTAssertEqual(measure(drafted, "AMIPLUS")?["grantedRappen"] as? Int, 600_000)

        // The partner reports the enrolment and the successful end.
        try Self.events.partnerUpdate(caseId, measureId: amiplusId, update: "enrolled")
        _ = try waitForPlan(caseId) { self.measure($0, "AMIPLUS")?["status"] as? String == "enrolled" }
        try Self.events.partnerUpdate(caseId, measureId: amiplusId, update: "ended", outcome: "completed")
        let done = try waitForPlan(caseId) { self.measure($0, "AMIPLUS")?["status"] as? String == "completed" }
        let history = try XCTUnwrap(measure(done, "AMIPLUS")?["history"] as? [[String: Any]])
        XCTAssertEqual(history.map { $0["to"] as? String }, ["planned", "approved", "enrolled", "started", "completed"])
        let final = try plan.json("POST", "/cases/\(caseId)/plan/measures/\(amiplusId)/status", token: canton,
                                  body: ["status": "interrupted", "on": "2026-11-03", "reason": "late"])
        XCTAssertEqual(final.status, 409, "a completed measure is final")
    }

    func testMeasureMovesByHandAndAnInterruptionFlagsADeviation() throws {
        let caseId = UUID().uuidString.lowercased()
        try Self.events.registered(caseId, status: "VA")
        try Self.events.targetGroup(caseId, "social_integration", pathway: "social_integration")
        let drafted = try waitForPlan(caseId) { self.measures($0).count == 3 }
        // Regular structures cost the lump sum nothing: approved at once.
        XCTAssertEqual(measure(drafted, "SOCIAL_INTEGRATION")?["status"] as? String, "approved")
        let id = try XCTUnwrap(measure(drafted, "SOCIAL_INTEGRATION")?["measureId"] as? String)
        let path = "/cases/\(caseId)/plan/measures/\(id)/status"
        XCTAssertEqual(try plan.json("POST", path, token: canton, body: ["status": "enrolled", "on": "2026-04-02"]).status, 200)
        XCTAssertEqual(try plan.json("POST", path, token: canton, body: ["status": "completed", "on": "2026-04-02"]).status, 409,
                       "enrolled cannot jump to completed")
        let noReason = try plan.json("POST", path, token: canton, body: ["status": "interrupted", "on": "2026-04-03"])
        XCTAssertEqual(noReason.status, 400)
        XCTAssertTrue(noReason.text.contains("reason"), noReason.text)
        let byHand = try plan.json("POST", path, token: canton, body: ["status": "approved", "on": "2026-04-03"])
        XCTAssertEqual(byHand.status, 422, "approval comes from the cost decision")
        let interrupted = try plan.json("POST", path, token: canton, body: ["status": "interrupted", "on": "2026-04-03", "reason": "moved away"])
        XCTAssertEqual(interrupted.status, 200, interrupted.text)
        let deviations = try XCTUnwrap(try interrupted.json()["deviations"] as? [[String: Any]])
        XCTAssertEqual(deviations.map { $0["kind"] as? String }, ["interrupted"])
        XCTAssertEqual(deviations.first?["measureId"] as? String, id)

        // A measure added by hand: unknown code 422, a known one 201; approved only after a decision.
        let unknown = try plan.json("POST", "/cases/\(caseId)/plan/measures", token: canton,
                                    body: ["catalogCode": "SKYDIVING", "startsOn": "2026-05-01", "estimatedCostRappen": 1000])
        XCTAssertEqual(unknown.status, 422)
        let added = try plan.json("POST", "/cases/\(caseId)/plan/measures", token: canton,
                                  body: ["catalogCode": "GER_B1", "provider": "ECAP Aarau", "startsOn": "2026-05-01", "endsOn": "2026-10-30",
                                         "estimatedCostRappen": 260_000])
        XCTAssertEqual(added.status, 201, added.text)
        XCTAssertEqual(try added.json()["status"] as? String, "planned")
        let invalid = try plan.json("POST", "/cases/\(caseId)/plan/measures", token: canton,
                                    body: ["catalogCode": "GER_B1", "startsOn": "2026-05-01", "endsOn": "2026-04-01", "estimatedCostRappen": -5])
        XCTAssertEqual(invalid.status, 400)
        let fields = Set(((try invalid.json()["errors"] as? [[String: Any]]) ?? []).compactMap { $0["field"] as? String })
        XCTAssertEqual(fields, ["endsOn", "estimatedCostRappen"])
    }

    func testAnAsylumSeekerGetsLanguageCoursesFirstAndTheRestOnRegularisation() throws {
        let caseId = UUID().uuidString.lowercased()
        try Self.events.registered(caseId, status: "N", dateOfBirth: "2003-01-10")
        try Self.events.targetGroup(caseId, "education_ready", pathway: "education_22_25")
        let first = try waitForPlan(caseId) { self.measures($0).count == 2 }
        XCTAssertEqual(measures(first).map { $0["catalogCode"] as? String }, ["GER_A1", "GER_A2"])
        XCTAssertEqual(Set(measures(first).map { $0["fundingSource"] as? String }), ["language_funding"])
        XCTAssertEqual(Set(measures(first).map { $0["status"] as? String }), ["approved"], "language funding needs no cost approval")
        XCTAssertEqual(first["deferredSteps"] as? [String], ["IKG1", "POTENTIAL_ASSESSMENT", "INVOL"])
        let refused = try plan.json("POST", "/cases/\(caseId)/plan/measures", token: canton,
                                    body: ["catalogCode": "IKG1", "startsOn": "2026-05-01", "estimatedCostRappen": 900_000])
        XCTAssertEqual(refused.status, 422, "an asylum seeker gets language funding only")
        // Costs learns of the case from the same event as plan, on its own consumer: it may
        // not have applied it yet when plan's draft shows.
        let budget = try XCTUnwrap(TestStack.eventually(within: 20) { () -> RawHTTPClient.Response? in
            let r = try self.costs.json("GET", "/cases/\(caseId)/budget", token: self.canton)
            return r.status == 404 ? nil : r
        }, "costs never learnt of the case")
        XCTAssertEqual(budget.status, 200, budget.text)
        XCTAssertEqual(try budget.json()["budgetOpen"] as? Bool, false, "no lump sum for status N")

        try Self.events.regularized(caseId, to: "VA")
        let full = try waitForPlan(caseId) { self.measures($0).count == 5 }
        XCTAssertEqual(measures(full).map { $0["catalogCode"] as? String }, ["GER_A1", "GER_A2", "IKG1", "POTENTIAL_ASSESSMENT", "INVOL"])
        XCTAssertEqual(measure(full, "INVOL")?["fundingSource"] as? String, "lump_sum")
        XCTAssertEqual(measure(full, "INVOL")?["partner"] as? String, "canton:BKS")
        XCTAssertEqual(full["deferredSteps"] as? [String], [])
        let opened = try TestStack.eventually(within: 10) { () -> Int? in
            let r = try costs.json("GET", "/cases/\(caseId)/budget", token: canton)
            return (try? r.json()["lumpSumRappen"] as? Int).flatMap { $0 == 1_800_000 ? $0 : nil }
        }
        XCTAssertEqual(opened, 1_800_000, "the regularisation opens the lump sum")
    }

    func testANewTargetGroupRedraftsOnlyWhatIsStillPlanned() throws {
        let caseId = UUID().uuidString.lowercased()
        try Self.events.registered(caseId, status: "FL")
        try Self.events.targetGroup(caseId, "social_integration", pathway: "social_integration")
        let first = try waitForPlan(caseId) { self.measures($0).count == 3 }
        let planId = first["planId"] as? String
        try Self.events.targetGroup(caseId, "labour_market_ready", pathway: "labour_market", on: "2026-05-01")
        let second = try waitForPlan(caseId) { $0["targetGroup"] as? String == "labour_market_ready" && self.measures($0).count >= 6 }
        XCTAssertEqual(second["planId"] as? String, planId, "the same plan, re-drafted")
        let byCode = Dictionary(grouping: measures(second)) { $0["catalogCode"] as? String ?? "" }
        XCTAssertEqual(byCode["GER_A1"]?.map { $0["status"] as? String }.sorted { ($0 ?? "") < ($1 ?? "") }, ["dropped", "planned"],
                       "the planned course was replaced and its history kept")
        XCTAssertEqual(byCode["SOCIAL_INTEGRATION"]?.first?["status"] as? String, "approved", "what is beyond planned stays")
        XCTAssertEqual(byCode["MENTORING"]?.first?["status"] as? String, "dropped")
        XCTAssertNotNil(byCode["AMIPLUS"])
        XCTAssertEqual((second["deviations"] as? [Any])?.count, 0, "a re-draft is no deviation")
    }

    func testAgreementReviewsOverdueReviewAndTheFinalReportAtHandover() throws {
        let caseId = UUID().uuidString.lowercased()
        try Self.events.registered(caseId, status: "VA")
        try Self.events.targetGroup(caseId, "labour_market_ready", pathway: "labour_market")
        let drafted = try waitForPlan(caseId) { self.measures($0).count == 4 }
        let version = try XCTUnwrap(drafted["version"] as? Int)
        let signedOn = Self.date(monthsFromToday: -3)
        let agreement: [String: Any] = ["signedOn": signedOn, "reviewEveryMonths": 1,
                                        "goals": ["German A2 within a year", ["text": "a job in logistics", "fieldOfAction": "work"]]]
        let stale = try plan.json("POST", "/cases/\(caseId)/plan/agreement", token: canton, body: agreement, headers: ["If-Match": "\"\(version + 7)\""])
        XCTAssertEqual(stale.status, 409, "a stale If-Match is refused")
        let signed = try plan.json("POST", "/cases/\(caseId)/plan/agreement", token: canton, body: agreement, headers: ["If-Match": "\"\(version)\""])
        XCTAssertEqual(signed.status, 201, signed.text)
        XCTAssertEqual(try signed.json()["status"] as? String, "active")
        XCTAssertEqual((try signed.json()["goals"] as? [Any])?.count, 2)
        XCTAssertEqual(try plan.json("POST", "/cases/\(caseId)/plan/agreement", token: canton, body: agreement).status, 409)

        // Signed three months ago with monthly reviews and none held: overdue, flagged once.
        let overdue = try waitForPlan(caseId) { (($0["deviations"] as? [[String: Any]]) ?? []).contains { $0["kind"] as? String == "review_overdue" } }
        XCTAssertEqual(overdue["status"] as? String, "active")
        Thread.sleep(forTimeInterval: 1.5)   // several runs of the check
        let later = try plan.json("GET", "/cases/\(caseId)/plan", token: canton).json()
        XCTAssertEqual(((later["deviations"] as? [[String: Any]]) ?? []).filter { $0["kind"] as? String == "review_overdue" }.count, 1,
                       "one deviation per due date")
        let review = try plan.json("POST", "/cases/\(caseId)/plan/reviews", token: canton,
                                   body: ["heldOn": Self.date(monthsFromToday: 0), "outcome": "on_track", "notes": "course attended"])
        XCTAssertEqual(review.status, 201, review.text)
        XCTAssertEqual(try review.json()["nextReviewDue"] as? String, Self.date(monthsFromToday: 1))

        // Handover to a municipality: the final report freezes the plan; access moves.
        let outsider = TestEnvironment.token(org: "municipality:4001")
        XCTAssertEqual(try plan.json("GET", "/cases/\(caseId)/plan", token: outsider).status, 403)
        try Self.events.transferred(caseId, from: "canton:KSD", to: "municipality:4001")
        let handedOver = try waitForPlan(caseId, token: outsider) { (($0["finalReports"] as? [Any]) ?? []).count == 1 }
        let summary = try XCTUnwrap((handedOver["finalReports"] as? [[String: Any]])?.first)
        XCTAssertEqual(summary["toOrg"] as? String, "municipality:4001")
        let reportId = try XCTUnwrap(summary["reportId"] as? String)
        let report = try plan.json("GET", "/cases/\(caseId)/plan/final-reports/\(reportId)", token: outsider)
        XCTAssertEqual(report.status, 200, report.text)
        let frozen = try XCTUnwrap(try report.json()["plan"] as? [String: Any])
        XCTAssertEqual((frozen["measures"] as? [Any])?.count, 4)
        XCTAssertEqual((frozen["reviews"] as? [Any])?.count, 1)
        XCTAssertEqual(try plan.json("GET", "/cases/\(caseId)/plan", token: canton).status, 200, "the canton keeps steering")
        XCTAssertEqual(try plan.json("GET", "/cases/\(caseId)/plan", token: TestEnvironment.token(org: "municipality:4002")).status, 403)
        let list = try plan.json("GET", "/cases/\(caseId)/plan/final-reports?limit=10", token: outsider)
        XCTAssertEqual((try list.json()["items"] as? [Any])?.count, 1)
    }

    func testTheCatalogueAndUnknownCases() throws {
        let measures = try plan.json("GET", "/catalog/measures", token: canton)
        XCTAssertEqual(measures.status, 200)
        XCTAssertEqual((try measures.json()["items"] as? [Any])?.count, 15)
        XCTAssertNotNil(try measures.json()["version"] as? String)
        let firstPage = try plan.json("GET", "/catalog/pathways?limit=2", token: canton).json()
        XCTAssertEqual((firstPage["items"] as? [Any])?.count, 2)
        let cursor = try XCTUnwrap(firstPage["nextCursor"] as? String)
        let secondPage = try plan.json("GET", "/catalog/pathways?limit=10&cursor=\(cursor)", token: canton).json()
        XCTAssertEqual((secondPage["items"] as? [Any])?.count, 4)
        XCTAssertEqual(try plan.json("GET", "/catalog/measures", token: nil).status, 401)
        XCTAssertEqual(try plan.json("GET", "/cases/\(UUID().uuidString.lowercased())/plan", token: canton).status, 404)
    }
}
