import Foundation
import IASHTTPClient
import TestSupport
import XCTest

/// Assessment through the running services: the case arrives from intake's events, the
/// triage follows the versioned rule set, overrides need a reason, closed cases take no more.
final class AssessmentEndToEndTests: StackTestCase {
    let canton = TestEnvironment.token(org: "canton:KSD")

    override class func startStack() -> TestStack { .running(["intake", "assessment"], warmUp: false) }

    func born(yearsAgo: Int) -> String {
        let date = Calendar(identifier: .gregorian).date(byAdding: .year, value: -yearsAgo, to: Date())!.addingTimeInterval(-86_400 * 30)
        return PersonFactory.isoDate(date)
    }

    func register(yearsOld: Int, status: String = "VA") throws -> CaseAPI.Registered {
        var person = NewPerson.sample(status: status).enteredToday()
        person.dateOfBirth = born(yearsAgo: yearsOld)
        return try CaseWorker(stack: Self.stack, caseworker: canton).register(person)
    }

    func assessment(kind: String = "short", level: String = "A1", schoolYears: Int = 9, vocationalYears: Int = 0,
                    health: String = "none") -> Assessment {
        Assessment(kind: kind, heldOn: PersonFactory.today, level: level, schoolYears: schoolYears, vocationalYears: vocationalYears, health: health,
                   goals: ["German A2", "apprenticeship"])
    }

    /// Posts until the assessment service has learnt of the case from intake's event.
    func post(_ path: String, _ body: Any, token: String? = nil) throws -> HTTPClientResponse {
        let response = try eventually(within: 30) { () -> HTTPClientResponse? in
            let r = try Self.stack.client("assessment").json("POST", path, token: token ?? self.canton, body: body)
            return r.status == 404 ? nil : r
        }
        return try XCTUnwrap(response, "the assessment service never learnt of the case")
    }

    func testAnAdultIsTriagedByTheRulesAndThePotentialAssessmentIsDueUntilRecorded() throws {
        let person = try register(yearsOld: 34)
        let first = try post("/cases/\(person.caseId)/assessments", assessment(level: "A2", schoolYears: 10, vocationalYears: 3))
        XCTAssertEqual(first.status, 201, first.text)
        let result = try first.object()
        XCTAssertEqual(result["targetGroup"] as? String, "labour_market_ready")
        XCTAssertEqual(result["pathway"] as? String, "labour_market")
        XCTAssertEqual(result["ageAtAssessment"] as? Int, 34)
        XCTAssertEqual(result["potentialAssessmentDue"] as? Bool, true)
        let rule = try XCTUnwrap(result["rule"] as? [String: Any])
        XCTAssertEqual(rule["ruleSetVersion"] as? String, "AG-2019.1")
        XCTAssertEqual(rule["ruleId"] as? String, "labour-market-language-a1")
        XCTAssertNotNil(result["assessmentId"] as? String)

        let potential = try post("/cases/\(person.caseId)/assessments", assessment(kind: "potential", level: "A2", schoolYears: 10))
        XCTAssertEqual(potential.status, 201, potential.text)
        XCTAssertEqual(try potential.object()["potentialAssessmentDue"] as? Bool, false)

        let client = try Self.stack.client("assessment")
        let list = try client.json("GET", "/cases/\(person.caseId)/assessments?limit=1", token: canton)
        XCTAssertEqual(list.status, 200, list.text)
        let page = try list.object()
        XCTAssertEqual((page["items"] as? [[String: Any]])?.first?["kind"] as? String, "short")
        let cursor = try XCTUnwrap(page["nextCursor"] as? String)
        let next = try client.json("GET", "/cases/\(person.caseId)/assessments?limit=1&cursor=\(cursor)", token: canton).object()
        XCTAssertEqual((next["items"] as? [[String: Any]])?.first?["kind"] as? String, "potential")
        let current = try client.json("GET", "/cases/\(person.caseId)/target-group", token: canton).object()
        XCTAssertEqual(current["potentialAssessmentDue"] as? Bool, false)
        XCTAssertEqual(current["ruleId"] as? String, "labour-market-language-a1")
    }

    func testChildrenAndYoungPeopleAreTriagedByAge() throws {
        let child = try register(yearsOld: 3)
        let childResult = try post("/cases/\(child.caseId)/assessments", assessment(level: "none", schoolYears: 0))
        XCTAssertEqual(childResult.status, 201, childResult.text)
        XCTAssertEqual(try childResult.object()["targetGroup"] as? String, "preschool")
        XCTAssertEqual(try childResult.object()["potentialAssessmentDue"] as? Bool, false)

        let pupil = try register(yearsOld: 9)
        XCTAssertEqual(try post("/cases/\(pupil.caseId)/assessments", assessment()).object()["targetGroup"] as? String, "school_age")

        let young = try register(yearsOld: 23)
        let youngResult = try post("/cases/\(young.caseId)/assessments", assessment()).object()
        XCTAssertEqual(youngResult["targetGroup"] as? String, "education_ready")
        XCTAssertEqual(youngResult["pathway"] as? String, "education_22_25")

        let ill = try register(yearsOld: 19)
        XCTAssertEqual(try post("/cases/\(ill.caseId)/assessments", assessment(health: "severe")).object()["targetGroup"] as? String,
                       "social_integration")
    }

    func testAnOverrideNeedsAReasonAndAFittingAge() throws {
        let person = try register(yearsOld: 40)
        let path = "/cases/\(person.caseId)/target-group"
        _ = try post("/cases/\(person.caseId)/assessments", assessment(level: "none", schoolYears: 0))
        let client = try Self.stack.client("assessment")
        let noReason = try client.json("PUT", path, token: canton, body: ["targetGroup": "labour_market_ready"])
        XCTAssertEqual(noReason.status, 400, noReason.text)
        XCTAssertEqual((try noReason.object()["errors"] as? [[String: Any]])?.first?["field"] as? String, "reason")
        XCTAssertEqual(try client.json("PUT", path, token: canton, body: ["targetGroup": "preschool", "reason": "x"]).status, 422)
        let done = try client.json("PUT", path, token: canton,
                                   body: ["targetGroup": "labour_market_ready", "reason": "trained welder, certificates verified"])
        XCTAssertEqual(done.status, 200, done.text)
        let assigned = try done.object()
        XCTAssertEqual(assigned["pathway"] as? String, "labour_market")
        XCTAssertEqual(assigned["overrideReason"] as? String, "trained welder, certificates verified")
        XCTAssertNil(assigned["ruleId"])
        XCTAssertEqual(try client.json("GET", path, token: canton).object()["targetGroup"] as? String, "labour_market_ready")
    }

    func testStatusMeetingsAccessAndClosedCases() throws {
        let person = try register(yearsOld: 30)
        let meetings = "/cases/\(person.caseId)/status-meetings"
        let invalid = try post(meetings, ["heldOn": "2199-01-01", "participants": [] as [String]])
        XCTAssertEqual(invalid.status, 400)
        let fields = Set((try invalid.object()["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String })
        XCTAssertEqual(fields, ["heldOn", "participants"])
        let recorded = try post(meetings, ["heldOn": PersonFactory.today, "participants": ["case worker", "interpreter", "client"], "notes": "first meeting"])
        XCTAssertEqual(recorded.status, 201, recorded.text)
        let client = try Self.stack.client("assessment")
        let list = try client.json("GET", meetings, token: canton).object()
        XCTAssertEqual(((list["items"] as? [[String: Any]])?.first?["participants"] as? [String])?.count, 3)

        let otherMunicipality = TestEnvironment.token(org: "municipality:4001")
        XCTAssertEqual(try client.json("GET", meetings, token: otherMunicipality).status, 403)
        XCTAssertEqual(try client.json("POST", "/cases/\(person.caseId)/assessments", token: otherMunicipality, body: assessment()).status, 403)
        XCTAssertEqual(try client.json("GET", "/cases/\(UUID().uuidString.lowercased())/assessments", token: canton).status, 404)

        let closed = try Self.stack.client("intake").json("POST", "/persons/\(person.personId)/closure", token: canton,
                                                          body: ["reason": "left_canton", "closedOn": PersonFactory.today])
        XCTAssertEqual(closed.status, 200, closed.text)
        let refused = try eventually(within: 15) { () -> Bool? in
            try client.json("POST", "/cases/\(person.caseId)/assessments", token: self.canton, body: self.assessment()).status == 409 ? true : nil
        }
        XCTAssertNotNil(refused, "a closed case still took an assessment")
    }

    func testTheRuleSetInForceIsPublished() throws {
        let rules = try Self.stack.client("assessment").json("GET", "/triage-rules", token: canton)
        XCTAssertEqual(rules.status, 200)
        let json = try rules.object()
        XCTAssertEqual(json["version"] as? String, "AG-2019.1")
        XCTAssertEqual((json["rules"] as? [[String: Any]])?.last?["id"] as? String, "social-integration")
    }
}
