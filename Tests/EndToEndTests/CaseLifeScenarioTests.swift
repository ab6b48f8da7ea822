import Foundation
import IASHTTPClient
import TestSupport
import XCTest

/// Realistic cases through all five services and the partner simulator, asserting the state
/// in every service. Each scenario drives only the public HTTP API, as a department system
/// would; everything else happens through events.
final class CaseLifeScenarioTests: StackTestCase {
    let canton = TestEnvironment.token(org: "canton:KSD")
    let approver = TestEnvironment.token(org: "canton:KSD", roles: ["caseworker", "approver"], subject: "approver-1")
    var worker: CaseWorker { CaseWorker(stack: Self.stack, caseworker: canton, approver: approver) }

    override class func startStack() -> TestStack {
        .running(TestStack.suite + ["partner-simulator"],
                 extraEnvironment: ["partner-simulator": ["IAS_SIMULATOR_ENROL_AFTER_MS": "200", "IAS_SIMULATOR_END_AFTER_MS": "1500"]])
    }

    // MARK: Scenarios

    func testAFamilyOfFourWithAPreschoolChildAndASeventeenYearOld() throws {
        let household = UUID().uuidString.lowercased()
        let father = try register(NewPerson.sample(givenName: "Tesfaye", familyName: "Family-\(Self.tag)", status: "FL"),
                                  dateOfBirth: years(ago: 38), household: household)
        let mother = try register(NewPerson.sample(givenName: "Selam", familyName: "Family-\(Self.tag)", status: "FL"),
                                  dateOfBirth: years(ago: 35), household: household)
        let child = try register(NewPerson.sample(givenName: "Lula", familyName: "Family-\(Self.tag)", status: "FL"),
                                 dateOfBirth: years(ago: 3), household: household)
        let teen = try register(NewPerson.sample(givenName: "Yonas", familyName: "Family-\(Self.tag)", status: "FL"),
                                dateOfBirth: years(ago: 17), household: household)
        XCTAssertEqual(Set([father, mother, child, teen].map(\.caseId)).count, 4, "one case per person")

        // Every member gets a budget of the lump sum: they are recognised refugees.
        for member in [father, mother, child, teen] {
            let opened = try eventually(within: 15) { () -> Bool? in
                try self.fetch("costs", "/cases/\(member.caseId)/budget")?["lumpSumRappen"] as? Int == 1_800_000 ? true : nil
            }
            XCTAssertNotNil(opened, "every recognised refugee gets the lump sum")
        }

        // The pre-school child: triage by age → preschool → playgroup.
        let childResult = try assess(child, level: "none", schoolYears: 0)
        XCTAssertEqual(childResult["targetGroup"] as? String, "preschool")
        let childPlan = try worker.plan(of: child.caseId, containing: ["PLAYGROUP"])
        XCTAssertTrue(CaseWorker.codes(of: childPlan).contains("PLAYGROUP"))

        // The 17-year-old: education-ready → IKG1 then BAI.
        let teenResult = try assess(teen, level: "A1", schoolYears: 8)
        XCTAssertEqual(teenResult["targetGroup"] as? String, "education_ready")
        XCTAssertEqual(teenResult["potentialAssessmentDue"] as? Bool, true, "16 to 50: a potential assessment is due")
        let teenPlan = try worker.plan(of: teen.caseId, containing: ["IKG1", "BAI"])
        let teenCodes = CaseWorker.codes(of: teenPlan)
        XCTAssertLessThan(try XCTUnwrap(teenCodes.firstIndex(of: "IKG1")), try XCTUnwrap(teenCodes.firstIndex(of: "BAI")),
                          "IKG1 comes before BAI")

        // Cost approvals for IKG1 and BAI, granted by the canton.
        for code in ["IKG1", "BAI"] {
            let measureId = try CaseWorker.measureId(code, in: teenPlan)
            let approval = try worker.requestApproval(teen.caseId, measureId: measureId, amount: 400_000)
            try worker.decide(approval)
            try worker.waitForMeasure(teen.caseId, code: code, status: "approved")
        }
        // BAI is delivered by the vocational school: with consent the referral goes out and
        // the school (the simulator) enrols the young person.
        try worker.giveConsent(teen.caseId, partner: "canton:BKS", documentRef: "DMS-\(Self.tag)")
        try worker.waitForMeasure(teen.caseId, code: "BAI", status: "enrolled", within: 20)
        let dossier = try eventuallyGet("coordination", "/cases/\(teen.caseId)/dossier")
        let timelineTypes = (dossier["timeline"] as? [[String: Any]] ?? []).compactMap { $0["type"] as? String }
        for type in ["intake.PersonRegistered", "assessment.TargetGroupAssigned", "plan.PlanDrafted", "costs.CostApprovalDecided",
                     "coordination.ReferralSent", "coordination.PartnerUpdateReceived"] {
            XCTAssertTrue(timelineTypes.contains(type), "the dossier timeline lacks \(type): \(timelineTypes)")
        }
        let budget = try get("costs", "/cases/\(teen.caseId)/budget")
        XCTAssertEqual(budget["committedRappen"] as? Int, 800_000)
        XCTAssertEqual(budget["remainingRappen"] as? Int, 1_000_000)
    }

    func testAJobReadyAdultIsReferredToAMIplusWithConsentAndEnrolledByTheJobCentre() throws {
        let adult = try register(NewPerson.sample(givenName: "Farid", familyName: "Rahimi-\(Self.tag)", status: "VA"), dateOfBirth: years(ago: 30))
        let result = try assess(adult, level: "A2", schoolYears: 10, vocationalYears: 3)
        XCTAssertEqual(result["targetGroup"] as? String, "labour_market_ready")
        let drafted = try worker.plan(of: adult.caseId, containing: ["AMIPLUS"])
        try worker.giveConsent(adult.caseId, partner: "partner:RAV", documentRef: "DMS-\(Self.tag)")
        let approval = try worker.requestApproval(adult.caseId, measureId: try CaseWorker.measureId("AMIPLUS", in: drafted), amount: 600_000)
        try worker.decide(approval)
        try worker.waitForMeasure(adult.caseId, code: "AMIPLUS", status: "enrolled", within: 20)
        // The job centre later reports the end of the programme.
        try worker.waitForMeasure(adult.caseId, code: "AMIPLUS", status: "completed", within: 20)
        let referrals = try get("coordination", "/cases/\(adult.caseId)/referrals")
        let items = referrals["items"] as? [[String: Any]] ?? []
        XCTAssertEqual(items.first?["partner"] as? String, "partner:RAV")
    }

    func testAnAsylumSeekerGetsLanguageCoursesOnlyUntilRegularisedThenABudgetAndAPlan() throws {
        let seeker = try register(NewPerson.sample(givenName: "Nour", familyName: "Khalil-\(Self.tag)", status: "N"), dateOfBirth: years(ago: 26))
        let result = try assess(seeker, level: "none", schoolYears: 12, vocationalYears: 2)
        XCTAssertEqual(result["targetGroup"] as? String, "labour_market_ready")
        let languageOnly = try worker.plan(of: seeker.caseId, containing: ["GER_A1"])
        XCTAssertTrue(CaseWorker.codes(of: languageOnly).allSatisfy { $0.hasPrefix("GER_") }, "status N: language courses only, got \(CaseWorker.codes(of: languageOnly))")
        let before = try eventuallyGet("costs", "/cases/\(seeker.caseId)/budget")
        XCTAssertEqual(before["budgetOpen"] as? Bool, false, "no lump sum for an asylum seeker")
        XCTAssertEqual(before["lumpSumRappen"] as? Int, 0)

        let regularised = try client("intake").json("POST", "/persons/\(seeker.personId)/regularization", token: canton,
                                                    body: ["status": "VA", "decidedOn": PersonFactory.today])
        XCTAssertEqual(regularised.status, 200, regularised.text)
        let opened = try eventually(within: 15) { () -> Bool? in
            try self.fetch("costs", "/cases/\(seeker.caseId)/budget")?["lumpSumRappen"] as? Int == 1_800_000 ? true : nil
        }
        XCTAssertNotNil(opened, "the budget opens with the regularisation")
        let full = try worker.plan(of: seeker.caseId, containing: ["AMIPLUS"])
        XCTAssertTrue(CaseWorker.codes(of: full).contains("AMIPLUS"))
        let person = try get("intake", "/persons/\(seeker.personId)")
        XCTAssertEqual(person["status"] as? String, "VA")
    }

    func testARelocationIssuesTheFinalReportOpensATaskForTheReceivingMunicipalityAndTheDossierContinues() throws {
        let person = try register(NewPerson.sample(givenName: "Amina", familyName: "Move-\(Self.tag)", status: "FL"), dateOfBirth: years(ago: 29))
        _ = try assess(person, level: "A1", schoolYears: 9)
        _ = try worker.plan(of: person.caseId, containing: ["AMIPLUS"])
        try worker.transfer(person.personId, to: "municipality:4001", reason: "assignment")
        let aarau = TestEnvironment.token(org: "municipality:4001")
        let baden = TestEnvironment.token(org: "municipality:4021")
        XCTAssertNotNil(try eventually(within: 15) { try self.status("coordination", "/cases/\(person.caseId)/dossier", token: aarau) == 200 ? true : nil })

        try worker.transfer(person.personId, to: "municipality:4021", reason: "relocation", token: aarau)
        // The receiving municipality gets a task and access; the previous one loses access.
        let task = try eventually(within: 15) { () -> [String: Any]? in
            guard let tasks = try self.fetch("coordination", "/tasks?org=municipality:4021&status=open", token: baden) else { return nil }
            return (tasks["items"] as? [[String: Any]])?.first { ($0["caseId"] as? String) == person.caseId && ($0["kind"] as? String) == "handover" }
        }
        XCTAssertNotNil(task, "no handover task for the receiving municipality")
        XCTAssertNotNil(try eventually(within: 15) { try self.status("coordination", "/cases/\(person.caseId)/dossier", token: baden) == 200 ? true : nil })
        XCTAssertNotNil(try eventually(within: 15) { try self.status("coordination", "/cases/\(person.caseId)/dossier", token: aarau) == 403 ? true : nil })
        XCTAssertEqual(try status("intake", "/persons/\(person.personId)", token: aarau), 403)
        XCTAssertEqual(try status("intake", "/persons/\(person.personId)", token: baden), 200)

        // The plan keeps its history and carries the final reports of both handovers.
        let reports = try eventually(within: 15) { () -> [[String: Any]]? in
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
        let person = try register(NewPerson.sample(givenName: "Hassan", familyName: "Break-\(Self.tag)", status: "VA"), dateOfBirth: years(ago: 33))
        _ = try assess(person, level: "A1", schoolYears: 6)
        let drafted = try worker.plan(of: person.caseId, containing: ["EMPLOYMENT_PROGRAMME"])
        let measureId = try CaseWorker.measureId("EMPLOYMENT_PROGRAMME", in: drafted)
        try worker.decide(try worker.requestApproval(person.caseId, measureId: measureId, amount: 300_000))
        try worker.waitForMeasure(person.caseId, code: "EMPLOYMENT_PROGRAMME", status: "approved")
        for next in ["enrolled", "started"] { try worker.move(person.caseId, measureId: measureId, to: next) }
        try worker.move(person.caseId, measureId: measureId, to: "interrupted", reason: "health")

        let plan = try eventuallyGet("plan", "/cases/\(person.caseId)/plan")
        let deviations = plan["deviations"] as? [[String: Any]] ?? []
        XCTAssertTrue(deviations.contains { ($0["kind"] as? String) == "interrupted" }, "\(deviations)")
        let task = try eventually(within: 15) { () -> [String: Any]? in
            guard let tasks = try self.fetch("coordination", "/tasks?org=canton:KSD&status=open") else { return nil }
            return (tasks["items"] as? [[String: Any]])?.first { ($0["caseId"] as? String) == person.caseId && ($0["kind"] as? String) == "measure_follow_up" }
        }
        XCTAssertNotNil(task, "no follow-up task for the responsible organisation")

        // The next step: a new measure with a new cost approval.
        let added = try client("plan").json("POST", "/cases/\(person.caseId)/plan/measures", token: canton, body: [
            "catalogCode": "EMPLOYMENT_PROGRAMME", "startsOn": PersonFactory.today, "estimatedCostRappen": 250_000,
        ])
        XCTAssertEqual(added.status, 201, added.text)
        let newMeasure = try XCTUnwrap(try added.object()["measureId"] as? String)
        let approval = eventually(within: 15) { try? self.worker.requestApproval(person.caseId, measureId: newMeasure, amount: 250_000) }
        try worker.decide(try XCTUnwrap(approval))
        let budget = try get("costs", "/cases/\(person.caseId)/budget")
        XCTAssertEqual(budget["committedRappen"] as? Int, 550_000)
    }

    func testAnAttemptToOverdrawTheBudgetIsRefused() throws {
        let person = try register(NewPerson.sample(givenName: "Omar", familyName: "Budget-\(Self.tag)", status: "FL"), dateOfBirth: years(ago: 41))
        _ = try assess(person, level: "A1", schoolYears: 6)
        let drafted = try worker.plan(of: person.caseId, containing: ["AMIPLUS"])
        let measureId = try CaseWorker.measureId("AMIPLUS", in: drafted)
        _ = try eventually(within: 15) { () -> Bool? in
            try self.fetch("costs", "/cases/\(person.caseId)/budget")?["lumpSumRappen"] as? Int == 1_800_000 ? true : nil
        }
        let approval = try worker.requestApproval(person.caseId, measureId: measureId, amount: 1_900_000)
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

    /// The load generator's case (Services/Tools/Bench) runs here too, so that `make test`
    /// checks every step of it against the real services before `make bench` measures them.
    func testTheLoadGeneratorsJourneyTakesAsylumSeekersFromRegistrationToAnActivePlan() throws {
        let (ports, canton, approver) = (Self.stack.ports, canton, approver)
        let api = CaseAPI(ports: ports, caseworker: canton, approver: approver)
        let clock = RunClock()
        let runner = JourneyRunner(workers: 2, clock: clock, makeAPI: { CaseAPI(ports: ports, caseworker: canton, approver: approver) })
        defer { runner.stop() }
        let factory = PersonFactory()
        let journeys = (0..<3).map { CaseJourney(index: $0, person: factory.person($0), startedAt: 0, stages: CaseJourney.Stage.wholeLife) }
        for journey in journeys { runner.submit(journey, at: clock.now) }
        let finished = runner.drain(deadline: clock.now + 120)
        XCTAssertEqual(finished.count, 3, "every journey ended")
        XCTAssertEqual(finished.compactMap(\.failure), [])
        XCTAssertEqual(Set(journeys.map(\.caseId)).count, 3)
        let journey = journeys[0]
        XCTAssertEqual(journey.stage, .done)
        XCTAssertNotNil(journey.finishedAt)
        XCTAssertFalse(journey.approvalId.isEmpty)
        let dossier = try worker.dossier(journey.caseId)
        XCTAssertEqual((dossier["plan"] as? [String: Any])?["status"] as? String, "active")
        let person = try get("intake", "/persons/\(journey.personId)")
        XCTAssertEqual(person["status"] as? String, "VA", "regularised")
        XCTAssertEqual(try get("costs", "/cases/\(journey.caseId)/budget")["committedRappen"] as? Int, 600_000)
        let amiplus = (try get("plan", "/cases/\(journey.caseId)/plan")["measures"] as? [[String: Any]] ?? []).first { $0["catalogCode"] as? String == "AMIPLUS" }
        XCTAssertEqual(amiplus?["measureId"] as? String, journey.measureId)
        let moved = try eventually(within: 15) { () -> String? in
            let status = (try self.fetch("plan", "/cases/\(journey.caseId)/plan")?["measures"] as? [[String: Any]])?
                .first { $0["measureId"] as? String == journey.measureId }?["status"] as? String
            return status == nil || status == "planned" ? nil : status
        }
        XCTAssertNotNil(moved, "the granted approval never moved the measure on from planned")

        // The read benchmark's step: one read of the dossier of a case that went through.
        let read = CaseJourney(index: 2, startedAt: 0, stages: [.readDossier], registered: (journey.personId, journey.caseId))
        XCTAssertEqual(read.step(api, now: 0), .done)
        let unknown = CaseJourney(index: 3, startedAt: 0, stages: [.readDossier], registered: ("", UUID().uuidString.lowercased()))
        XCTAssertEqual(unknown.step(api, now: 0), .failed("dossier answered 404"))
    }

    // MARK: Steps

    static let tag = String(UUID().uuidString.prefix(6))

    func years(ago: Int) -> String {
        let date = Calendar(identifier: .gregorian).date(byAdding: .year, value: -ago, to: Date())!
        return PersonFactory.isoDate(date.addingTimeInterval(-86_400 * 40))
    }

    func client(_ name: String) throws -> HTTPClient { try Self.stack.client(name) }

    /// Registers `person`, born on `dateOfBirth`, entered (and decided) today.
    func register(_ person: NewPerson, dateOfBirth: String, household: String? = nil) throws -> CaseAPI.Registered {
        var person = person.enteredToday()
        person.dateOfBirth = dateOfBirth
        person.householdId = household
        return try worker.register(person)
    }

    /// A short assessment with one language level; literate when the person went to school.
    func assess(_ person: CaseAPI.Registered, level: String, schoolYears: Int, vocationalYears: Int = 0) throws -> [String: Any] {
        try worker.assess(person.caseId, Assessment(level: level, literate: schoolYears > 0, schoolYears: schoolYears, vocationalYears: vocationalYears))
    }

    func get(_ service: String, _ path: String, token: String? = nil) throws -> [String: Any] {
        let r = try client(service).json("GET", path, token: token ?? canton)
        XCTAssertEqual(r.status, 200, "\(service) \(path): \(r.text)")
        return r.status == 200 ? try r.object() : [:]
    }

    /// The JSON of a 200 answer, nil otherwise (for polling; asserts nothing).
    func fetch(_ service: String, _ path: String, token: String? = nil) throws -> [String: Any]? {
        let r = try client(service).json("GET", path, token: token ?? canton)
        return r.status == 200 ? try r.object() : nil
    }

    func status(_ service: String, _ path: String, token: String? = nil) throws -> Int {
        try client(service).json("GET", path, token: token ?? canton).status
    }

    func eventuallyGet(_ service: String, _ path: String) throws -> [String: Any] {
        let found = try eventually(within: 15) { () -> [String: Any]? in
            let r = try self.client(service).json("GET", path, token: self.canton)
            return r.status == 200 ? try r.object() : nil
        }
        return try XCTUnwrap(found, "\(service) \(path) never answered 200")
    }
}
