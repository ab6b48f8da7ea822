import Foundation
import XCTest

/// Realistic cases through all five services and the partner simulator, asserting the state
/// in every service. Each scenario drives only the public HTTP API, as a department system
/// would; everything else happens through events.
final class CaseLifeScenarioTests: XCTestCase {
    nonisolated(unsafe) static var stack: TestStack!
    let canton = TestEnvironment.token(org: "canton:KSD")
    let approver = TestEnvironment.token(org: "canton:KSD", roles: ["caseworker", "approver"], subject: "approver-1")

    override class func setUp() {
        super.setUp()
        stack = TestStack(["intake", "assessment", "plan", "costs", "coordination", "partner-simulator"],
                          extraEnvironment: ["partner-simulator": ["IAS_SIMULATOR_ENROL_AFTER_MS": "200", "IAS_SIMULATOR_END_AFTER_MS": "1500"]])
        do {
            try stack.start()
            try stack.warmUp()
        } catch { stack.stop(); fatalError("the stack did not start: \(error)") }
    }

    override class func tearDown() {
        stack.stop()
        super.tearDown()
    }

    // MARK: Scenarios

    func testAFamilyOfFourWithAPreschoolChildAndASeventeenYearOld() throws {
        let household = UUID().uuidString.lowercased()
        let today = Self.today
        let father = try register(Fixtures.person(givenName: "Tesfaye", familyName: "Family-\(Self.tag)", status: "FL"),
                                  dateOfBirth: years(ago: 38), household: household)
        let mother = try register(Fixtures.person(givenName: "Selam", familyName: "Family-\(Self.tag)", status: "FL"),
                                  dateOfBirth: years(ago: 35), household: household)
        let child = try register(Fixtures.person(givenName: "Lula", familyName: "Family-\(Self.tag)", status: "FL"),
                                 dateOfBirth: years(ago: 3), household: household)
        let teen = try register(Fixtures.person(givenName: "Yonas", familyName: "Family-\(Self.tag)", status: "FL"),
                                dateOfBirth: years(ago: 17), household: household)
        XCTAssertEqual(Set([father, mother, child, teen].map(\.caseId)).count, 4, "one case per person")

        // Every member gets a budget of the lump sum: they are recognised refugees.
        for member in [father, mother, child, teen] {
            let opened = try eventually { () -> Bool? in
                try self.fetch("costs", "/cases/\(member.caseId)/budget")?["lumpSumRappen"] as? Int == 1_800_000 ? true : nil
            }
            XCTAssertNotNil(opened, "every recognised refugee gets the lump sum")
        }

        // The pre-school child: triage by age → preschool → playgroup.
        let childResult = try assess(child, kind: "short", level: "none", schoolYears: 0)
        XCTAssertEqual(childResult["targetGroup"] as? String, "preschool")
        let childPlan = try plan(of: child, containing: ["PLAYGROUP"])
        XCTAssertTrue(codes(childPlan).contains("PLAYGROUP"))

        // The 17-year-old: education-ready → IKG1 then BAI.
        let teenResult = try assess(teen, kind: "short", level: "A1", schoolYears: 8)
        XCTAssertEqual(teenResult["targetGroup"] as? String, "education_ready")
        XCTAssertEqual(teenResult["potentialAssessmentDue"] as? Bool, true, "16 to 50: a potential assessment is due")
        let teenPlan = try plan(of: teen, containing: ["IKG1", "BAI"])
        let teenCodes = codes(teenPlan)
        XCTAssertLessThan(try XCTUnwrap(teenCodes.firstIndex(of: "IKG1")), try XCTUnwrap(teenCodes.firstIndex(of: "BAI")),
                          "IKG1 comes before BAI")

        // Cost approvals for IKG1 and BAI, granted by the canton.
        for code in ["IKG1", "BAI"] {
            let measureId = try measure(code, in: teenPlan)
            let approval = try requestApproval(teen, measureId: measureId, amount: 400_000)
            try decide(approval, decision: "granted")
            try waitForMeasure(teen, code: code, status: "approved")
        }
        // BAI is delivered by the vocational school: with consent the referral goes out and
        // the school (the simulator) enrols the young person.
        try giveConsent(teen, partner: "canton:BKS")
        try waitForMeasure(teen, code: "BAI", status: "enrolled", within: 20)
        let dossier = try eventuallyGet("coordination", "/cases/\(teen.caseId)/dossier")
        let timelineTypes = (dossier["timeline"] as? [[String: Any]] ?? []).compactMap { $0["type"] as? String }
        for type in ["intake.PersonRegistered", "assessment.TargetGroupAssigned", "plan.PlanDrafted", "costs.CostApprovalDecided",
                     "coordination.ReferralSent", "coordination.PartnerUpdateReceived"] {
            XCTAssertTrue(timelineTypes.contains(type), "the dossier timeline lacks \(type): \(timelineTypes)")
        }
        let budget = try get("costs", "/cases/\(teen.caseId)/budget")
        XCTAssertEqual(budget["committedRappen"] as? Int, 800_000)
        XCTAssertEqual(budget["remainingRappen"] as? Int, 1_000_000)
        _ = today
    }

    func testAJobReadyAdultIsReferredToAMIplusWithConsentAndEnrolledByTheJobCentre() throws {
        let adult = try register(Fixtures.person(givenName: "Farid", familyName: "Rahimi-\(Self.tag)", status: "VA"), dateOfBirth: years(ago: 30))
        let result = try assess(adult, kind: "short", level: "A2", schoolYears: 10, vocationalYears: 3)
        XCTAssertEqual(result["targetGroup"] as? String, "labour_market_ready")
        let drafted = try plan(of: adult, containing: ["AMIPLUS"])
        try giveConsent(adult, partner: "partner:RAV")
        let approval = try requestApproval(adult, measureId: try measure("AMIPLUS", in: drafted), amount: 600_000)
        try decide(approval, decision: "granted")
        try waitForMeasure(adult, code: "AMIPLUS", status: "enrolled", within: 20)
        // The job centre later reports the end of the programme.
        try waitForMeasure(adult, code: "AMIPLUS", status: "completed", within: 20)
        let referrals = try get("coordination", "/cases/\(adult.caseId)/referrals")
        let items = referrals["items"] as? [[String: Any]] ?? []
        XCTAssertEqual(items.first?["partner"] as? String, "partner:RAV")
    }

    func testAnAsylumSeekerGetsLanguageCoursesOnlyUntilRegularisedThenABudgetAndAPlan() throws {
        let seeker = try register(Fixtures.person(givenName: "Nour", familyName: "Khalil-\(Self.tag)", status: "N"), dateOfBirth: years(ago: 26))
        let result = try assess(seeker, kind: "short", level: "none", schoolYears: 12, vocationalYears: 2)
        XCTAssertEqual(result["targetGroup"] as? String, "labour_market_ready")
        let languageOnly = try plan(of: seeker, containing: ["GER_A1"])
        XCTAssertTrue(codes(languageOnly).allSatisfy { $0.hasPrefix("GER_") }, "status N: language courses only, got \(codes(languageOnly))")
        let before = try eventuallyGet("costs", "/cases/\(seeker.caseId)/budget")
        XCTAssertEqual(before["budgetOpen"] as? Bool, false, "no lump sum for an asylum seeker")
        XCTAssertEqual(before["lumpSumRappen"] as? Int, 0)

        let regularised = try client("intake").json("POST", "/persons/\(seeker.personId)/regularization", token: canton,
                                                    body: ["status": "VA", "decidedOn": Self.today])
        XCTAssertEqual(regularised.status, 200, regularised.text)
        let opened = try eventually { () -> Bool? in
            try self.fetch("costs", "/cases/\(seeker.caseId)/budget")?["lumpSumRappen"] as? Int == 1_800_000 ? true : nil
        }
        XCTAssertNotNil(opened, "the budget opens with the regularisation")
        let full = try plan(of: seeker, containing: ["AMIPLUS"])
        XCTAssertTrue(codes(full).contains("AMIPLUS"))
        let person = try get("intake", "/persons/\(seeker.personId)")
        XCTAssertEqual(person["status"] as? String, "VA")
    }

    func testARelocationIssuesTheFinalReportOpensATaskForTheReceivingMunicipalityAndTheDossierContinues() throws {
        let person = try register(Fixtures.person(givenName: "Amina", familyName: "Move-\(Self.tag)", status: "FL"), dateOfBirth: years(ago: 29))
        _ = try assess(person, kind: "short", level: "A1", schoolYears: 9)
        _ = try plan(of: person, containing: ["AMIPLUS"])
        try transfer(person, to: "municipality:4001", reason: "assignment")
        let aarau = TestEnvironment.token(org: "municipality:4001")
        let baden = TestEnvironment.token(org: "municipality:4021")
        XCTAssertNotNil(try eventually { try self.status("coordination", "/cases/\(person.caseId)/dossier", token: aarau) == 200 ? true : nil })

        try transfer(person, to: "municipality:4021", reason: "relocation", token: aarau)
        // The receiving municipality gets a task and access; the previous one loses access.
        let task = try eventually { () -> [String: Any]? in
            guard let tasks = try self.fetch("coordination", "/tasks?org=municipality:4021&status=open", token: baden) else { return nil }
            return (tasks["items"] as? [[String: Any]])?.first { ($0["caseId"] as? String) == person.caseId && ($0["kind"] as? String) == "handover" }
        }
        XCTAssertNotNil(task, "no handover task for the receiving municipality")
        XCTAssertNotNil(try eventually { try self.status("coordination", "/cases/\(person.caseId)/dossier", token: baden) == 200 ? true : nil })
        XCTAssertNotNil(try eventually { try self.status("coordination", "/cases/\(person.caseId)/dossier", token: aarau) == 403 ? true : nil })
        XCTAssertEqual(try status("intake", "/persons/\(person.personId)", token: aarau), 403)
        XCTAssertEqual(try status("intake", "/persons/\(person.personId)", token: baden), 200)

        // The plan keeps its history and carries the final reports of both handovers.
        let reports = try eventually { () -> [[String: Any]]? in
            guard let plan = try self.fetch("plan", "/cases/\(person.caseId)/plan", token: baden) else { return nil }
            let list = plan["finalReports"] as? [[String: Any]] ?? []
            return list.count >= 2 ? list : nil
        }
        XCTAssertNotNil(reports, "a final report per handover to a municipality")
        let dossier = try get("coordination", "/cases/\(person.caseId)/dossier", token: baden)
        XCTAssertEqual(dossier["responsibleOrg"] as? String, "municipality:4021")
        let history = (dossier["responsibilityHistory"] as? [[String: Any]] ?? []).compactMap { $0["org"] as? String }
        XCTAssertEqual(history, ["canton:KSD", "municipality:4001", "municipality:4021"])
    }

    func testAnInterruptedMeasureFlagsADeviationOpensAFollowUpTaskAndLeadsToANewCostApproval() throws {
        let person = try register(Fixtures.person(givenName: "Hassan", familyName: "Break-\(Self.tag)", status: "VA"), dateOfBirth: years(ago: 33))
        _ = try assess(person, kind: "short", level: "A1", schoolYears: 6)
        let drafted = try plan(of: person, containing: ["EMPLOYMENT_PROGRAMME"])
        let measureId = try measure("EMPLOYMENT_PROGRAMME", in: drafted)
        try decide(try requestApproval(person, measureId: measureId, amount: 300_000), decision: "granted")
        try waitForMeasure(person, code: "EMPLOYMENT_PROGRAMME", status: "approved")
        for next in ["enrolled", "started"] { try move(person, measureId: measureId, to: next) }
        try move(person, measureId: measureId, to: "interrupted", reason: "health")

        let plan = try eventuallyGet("plan", "/cases/\(person.caseId)/plan")
        let deviations = plan["deviations"] as? [[String: Any]] ?? []
        XCTAssertTrue(deviations.contains { ($0["kind"] as? String) == "interrupted" }, "\(deviations)")
        let task = try eventually { () -> [String: Any]? in
            guard let tasks = try self.fetch("coordination", "/tasks?org=canton:KSD&status=open") else { return nil }
            return (tasks["items"] as? [[String: Any]])?.first { ($0["caseId"] as? String) == person.caseId && ($0["kind"] as? String) == "measure_follow_up" }
        }
        XCTAssertNotNil(task, "no follow-up task for the responsible organisation")

        // The next step: a new measure with a new cost approval.
        let added = try client("plan").json("POST", "/cases/\(person.caseId)/plan/measures", token: canton, body: [
            "catalogCode": "EMPLOYMENT_PROGRAMME", "startsOn": Self.today, "estimatedCostRappen": 250_000,
        ])
        XCTAssertEqual(added.status, 201, added.text)
        let newMeasure = try XCTUnwrap(try added.json()["measureId"] as? String)
        let approval = try eventually { try? self.requestApproval(person, measureId: newMeasure, amount: 250_000) }
        try decide(try XCTUnwrap(approval), decision: "granted")
        let budget = try get("costs", "/cases/\(person.caseId)/budget")
        XCTAssertEqual(budget["committedRappen"] as? Int, 550_000)
    }

    func testAnAttemptToOverdrawTheBudgetIsRefused() throws {
        let person = try register(Fixtures.person(givenName: "Omar", familyName: "Budget-\(Self.tag)", status: "FL"), dateOfBirth: years(ago: 41))
        _ = try assess(person, kind: "short", level: "A1", schoolYears: 6)
        let drafted = try plan(of: person, containing: ["AMIPLUS"])
        let measureId = try measure("AMIPLUS", in: drafted)
        _ = try eventually { () -> Bool? in
            try self.fetch("costs", "/cases/\(person.caseId)/budget")?["lumpSumRappen"] as? Int == 1_800_000 ? true : nil
        }
        let approval = try requestApproval(person, measureId: measureId, amount: 1_900_000)
        let refused = try client("costs").json("POST", "/cost-approvals/\(approval)/decision", token: approver,
                                               body: ["decision": "granted", "reason": "full programme"])
        XCTAssertEqual(refused.status, 422, refused.text)
        let budget = try get("costs", "/cases/\(person.caseId)/budget")
        XCTAssertEqual(budget["committedRappen"] as? Int, 0, "a refused decision changes nothing")
        // A canton case worker without the approver role cannot decide at all.
        XCTAssertEqual(try client("costs").json("POST", "/cost-approvals/\(approval)/decision", token: canton,
                                                body: ["decision": "granted", "reason": "x"]).status, 403)
        // Funded from another source, the same grant is allowed and leaves the lump sum untouched.
        let other = try client("costs").json("POST", "/cost-approvals/\(approval)/decision", token: approver,
                                             body: ["decision": "granted", "reason": "cantonal fund", "fundingSource": "other"])
        XCTAssertEqual(other.status, 200, other.text)
        XCTAssertEqual(try get("costs", "/cases/\(person.caseId)/budget")["remainingRappen"] as? Int, 1_800_000)
    }

    // MARK: Steps

    struct Registered {
        let personId: String
        let caseId: String
    }

    static let tag = String(UUID().uuidString.prefix(6))
    static var today: String { String(ISO8601DateFormatter().string(from: Date()).prefix(10)) }

    func years(ago: Int) -> String {
        let date = Calendar(identifier: .gregorian).date(byAdding: .year, value: -ago, to: Date())!
        return String(ISO8601DateFormatter().string(from: date.addingTimeInterval(-86_400 * 40)).prefix(10))
    }

    func client(_ name: String) throws -> RawHTTPClient { try Self.stack.client(name) }

    func register(_ body: [String: Any], dateOfBirth: String, household: String? = nil) throws -> Registered {
        var body = body
        body["dateOfBirth"] = dateOfBirth
        body["enteredCantonOn"] = Self.today
        if body["statusDecidedOn"] != nil { body["statusDecidedOn"] = Self.today }
        if let household { body["householdId"] = household }
        let response = try client("intake").json("POST", "/persons", token: canton, body: body)
        XCTAssertEqual(response.status, 201, response.text)
        let json = try response.json()
        return Registered(personId: try XCTUnwrap(json["personId"] as? String), caseId: try XCTUnwrap(json["caseId"] as? String))
    }

    func assess(_ person: Registered, kind: String, level: String, schoolYears: Int, vocationalYears: Int = 0) throws -> [String: Any] {
        let body: [String: Any] = [
            "kind": kind, "heldOn": Self.today,
            "languageLevels": ["listening": level, "speaking": level, "reading": level, "writing": level],
            "literate": schoolYears > 0, "schoolYears": schoolYears, "vocationalYears": vocationalYears,
            "healthRestriction": "none", "childcareDuties": false, "goals": ["work"],
        ]
        // The assessment service learns of the case from intake's event: retry until it has.
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
            return Set(self.codes(plan)).isSuperset(of: required) ? plan : nil
        }
        return try XCTUnwrap(found, "the plan of \(person.caseId) never contained \(required)")
    }

    func codes(_ plan: [String: Any]) -> [String] {
        (plan["measures"] as? [[String: Any]] ?? []).compactMap { $0["catalogCode"] as? String }
    }

    func measure(_ code: String, in plan: [String: Any]) throws -> String {
        let measures = plan["measures"] as? [[String: Any]] ?? []
        return try XCTUnwrap(measures.first { ($0["catalogCode"] as? String) == code }?["measureId"] as? String, "no \(code) measure")
    }

    func requestApproval(_ person: Registered, measureId: String, amount: Int) throws -> String {
        // Costs learns of the measure from plan's event: retry until it has.
        let response = try eventually { () -> RawHTTPClient.Response? in
            let r = try self.client("costs").json("POST", "/cost-approvals", token: self.canton, body: [
                "caseId": person.caseId, "measureId": measureId, "amountRappen": amount, "justification": "plan measure",
            ])
            return r.status == 201 ? r : nil
        }
        let created = try XCTUnwrap(response, "the cost approval request was never accepted")
        let json = try created.json()
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

    func transfer(_ person: Registered, to org: String, reason: String, token: String? = nil) throws {
        let r = try client("intake").json("POST", "/persons/\(person.personId)/responsibility", token: token ?? canton,
                                          body: ["toOrg": org, "effectiveOn": Self.today, "reason": reason])
        XCTAssertEqual(r.status, 200, r.text)
    }

    func move(_ person: Registered, measureId: String, to status: String, reason: String? = nil) throws {
        var body: [String: Any] = ["status": status, "on": Self.today]
        if let reason { body["reason"] = reason }
        let r = try client("plan").json("POST", "/cases/\(person.caseId)/plan/measures/\(measureId)/status", token: canton, body: body)
        XCTAssertEqual(r.status, 200, r.text)
    }

    func waitForMeasure(_ person: Registered, code: String, status: String, within seconds: Double = 10) throws {
        let reached = try TestStack.eventually(within: seconds) { () -> Bool? in
            guard let plan = try self.fetch("plan", "/cases/\(person.caseId)/plan") else { return nil }
            let measure = (plan["measures"] as? [[String: Any]] ?? []).last { ($0["catalogCode"] as? String) == code }
            return (measure?["status"] as? String) == status ? true : nil
        }
        XCTAssertNotNil(reached, "\(code) of \(person.caseId) never reached \(status)")
    }

    func get(_ service: String, _ path: String, token: String? = nil) throws -> [String: Any] {
        let r = try client(service).json("GET", path, token: token ?? canton)
        XCTAssertEqual(r.status, 200, "\(service) \(path): \(r.text)")
        return r.status == 200 ? try r.json() : [:]
    }

    /// The JSON of a 200 answer, nil otherwise (for polling; asserts nothing).
    func fetch(_ service: String, _ path: String, token: String? = nil) throws -> [String: Any]? {
        let r = try client(service).json("GET", path, token: token ?? canton)
        return r.status == 200 ? try r.json() : nil
    }

    func status(_ service: String, _ path: String, token: String? = nil) throws -> Int {
        try client(service).json("GET", path, token: token ?? canton).status
    }

    func eventuallyGet(_ service: String, _ path: String) throws -> [String: Any] {
        let found = try eventually { () -> [String: Any]? in
            let r = try self.client(service).json("GET", path, token: self.canton)
            return r.status == 200 ? try r.json() : nil
        }
        return try XCTUnwrap(found, "\(service) \(path) never answered 200")
    }

    func eventually<T>(_ body: () throws -> T?) throws -> T? { try TestStack.eventually(within: 15, body) }
}
