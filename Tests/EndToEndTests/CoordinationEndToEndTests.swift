import Foundation
import IASContracts
import IASKafka
import IASMessaging
import IASRuntime
import IASHTTPClient
import TestSupport
import XCTest

/// Coordination through real processes: intake registers, the partner simulator answers,
/// and the events of plan, costs and assessment are published here directly, as those
/// services would, so that each rule of coordination is checked on its own.
final class CoordinationEndToEndTests: StackTestCase {
    nonisolated(unsafe) static var events: EventPublisher!
    let canton = TestEnvironment.token(org: "canton:KSD")
    let approver = TestEnvironment.token(org: "canton:KSD", roles: ["caseworker", "approver"], subject: "approver-7")
    let aarau = TestEnvironment.token(org: "municipality:4001")
    let baden = TestEnvironment.token(org: "municipality:4021")

    override class func startStack() -> TestStack {
        .running(["intake", "coordination", "partner-simulator"],
                 extraEnvironment: ["partner-simulator": ["IAS_SIMULATOR_ENROL_AFTER_MS": "200", "IAS_SIMULATOR_END_AFTER_MS": "800"]])
    }

    override class func setUp() {
        super.setUp()
        do { events = try EventPublisher(clientId: "e2e-coordination") } catch { stack.stop(); fatalError("no producer: \(error)") }
    }

    override class func tearDown() {
        events?.close()
        super.tearDown()
    }

    // MARK: Tasks and automatic referrals

    func testACostDecisionTaskAndAReferralThatWaitsForConsentThenTravelsToTheJobCentreAndBack() throws {
        let caseId = try register()
        let measureId = Identifier(), approvalId = Identifier()
        try publish(measurePlanned(caseId, measureId, code: "AMIPLUS", partner: "partner:RAV"))
        try publish(CostApprovalRequested(caseId: Identifier(caseId)!, approvalId: approvalId, measureId: measureId, amountRappen: 600_000,
                                          requestedByOrg: "canton:KSD"))

        // The canton gets a task to decide; the decision completes it by itself.
        let decisionTask = try eventually(within: 15) { try self.openTask(caseId, kind: "cost_decision", org: "canton:KSD", token: self.canton) }
        XCTAssertEqual(try XCTUnwrap(decisionTask)["subjectRef"] as? String, approvalId.description)
        try publish(CostApprovalDecided(caseId: Identifier(caseId)!, approvalId: approvalId, measureId: measureId, decision: .granted,
                                        grantedRappen: 600_000, fundingSource: .lumpSum, decidedOn: .today()))

        // Granted, but no consent: the referral waits and the responsible organisation is asked to obtain one.
        let consentTask = try eventually(within: 15) { try self.openTask(caseId, kind: "obtain_consent", org: "canton:KSD", token: self.canton) }
        XCTAssertNotNil(consentTask, "no obtain_consent task")
        let waiting = try referrals(caseId)
        XCTAssertEqual(waiting.map { $0["status"] as? String }, ["awaiting_consent"])
        XCTAssertNil(try openTask(caseId, kind: "cost_decision", org: "canton:KSD", token: canton), "the decision did not complete the task")

        let consent = try coordination().json("POST", "/cases/\(caseId)/consents", token: canton,
                                              body: ["partner": "partner:RAV", "givenOn": PersonFactory.today, "documentRef": "DMS-2026-0042"])
        XCTAssertEqual(consent.status, 201, consent.text)
        XCTAssertEqual((try consent.object()["referralsSent"] as? [String])?.count, 1, "the waiting referral did not leave with the consent")
        XCTAssertEqual(try consent.object()["state"] as? String, "valid")

        // The job centre (simulator) accepts, enrols and reports the end.
        let ended = try eventually(within: 20) { () -> [String: Any]? in
            let list = try self.referrals(caseId)
            return list.first { ($0["status"] as? String) == "ended" }
        }
        let answered = try referrals(caseId)
        let referral = try XCTUnwrap(ended, "the partner's answers never arrived: \(answered)")
        XCTAssertEqual(referral["outcome"] as? String, "completed")
        XCTAssertNotNil(referral["acceptedOn"] as? String)
        XCTAssertNotNil(referral["enrolledOn"] as? String)
        XCTAssertEqual(referral["legalBasisOverride"] as? Bool, false)

        let dossier = try get("/cases/\(caseId)/dossier")
        let timeline = (dossier["timeline"] as? [[String: Any]] ?? [])
        let updates = timeline.filter { $0["type"] as? String == "coordination.PartnerUpdateReceived" }
            .compactMap { ($0["data"] as? [String: Any])?["update"] as? String }
        XCTAssertEqual(updates, ["accepted", "enrolled", "ended"])
        XCTAssertEqual(timeline.filter { $0["type"] as? String == "coordination.ReferralSent" }.count, 1)
        XCTAssertFalse((dossier["openTasks"] as? [[String: Any]] ?? []).contains { $0["kind"] as? String == "obtain_consent" },
                       "the consent task stayed open after the referral left")
        XCTAssertEqual((dossier["budget"] as? [String: Any]) == nil, true, "no BudgetOpened was published for this case")
    }

    func testAManualReferralNeedsAValidConsentOrAnApproversRecordedLegalBasis() throws {
        let caseId = try register()
        let bai = Identifier(), course = Identifier()
        try publish(measurePlanned(caseId, bai, code: "BAI", partner: "canton:BKS"))
        try publish(measurePlanned(caseId, course, code: "GER_A1", partner: nil))
        let client = try coordination()
        let known = try eventually(within: 15) { () -> Bool? in
            let r = try client.json("POST", "/cases/\(caseId)/referrals", token: self.canton, body: ["measureId": course.description])
            return r.status == 404 ? nil : true
        }
        XCTAssertNotNil(known, "coordination never learnt of the measures")
        XCTAssertEqual(try client.json("POST", "/cases/\(caseId)/referrals", token: canton, body: ["measureId": course.description]).status, 422,
                       "a measure without partner cannot be referred")
        XCTAssertEqual(try client.json("POST", "/cases/\(caseId)/referrals", token: canton, body: ["measureId": Identifier().description]).status, 404)

        let noConsent = try client.json("POST", "/cases/\(caseId)/referrals", token: canton, body: ["measureId": bai.description])
        XCTAssertEqual(noConsent.status, 422, noConsent.text)
        let override: [String: Any] = ["measureId": bai.description, "legalBasisOverride": ["reason": "Art. 9 IntV: bridge course registration by law"]]
        XCTAssertEqual(try client.json("POST", "/cases/\(caseId)/referrals", token: canton, body: override).status, 403,
                       "a case worker without the approver role cannot override")
        XCTAssertEqual(try client.json("POST", "/cases/\(caseId)/referrals", token: aarau, body: override).status, 403)
        let short = try client.json("POST", "/cases/\(caseId)/referrals", token: approver,
                                    body: ["measureId": bai.description, "legalBasisOverride": ["reason": "law"]])
        XCTAssertEqual(short.status, 400)
        XCTAssertTrue(short.text.contains("legalBasisOverride.reason"), short.text)

        let sent = try client.json("POST", "/cases/\(caseId)/referrals", token: approver, body: override)
        XCTAssertEqual(sent.status, 201, sent.text)
        XCTAssertEqual(try sent.object()["legalBasisOverride"] as? Bool, true)
        XCTAssertEqual(try sent.object()["status"] as? String, "sent")
        XCTAssertEqual(try client.json("POST", "/cases/\(caseId)/referrals", token: approver, body: override).status, 409,
                       "a measure is referred once")
        // The override is audited in the event.
        let event = try eventually(within: 15) { () -> [String: Any]? in
            let timeline = try self.get("/cases/\(caseId)/dossier")["timeline"] as? [[String: Any]] ?? []
            return timeline.first { $0["type"] as? String == "coordination.ReferralSent" }?["data"] as? [String: Any]
        }
        XCTAssertEqual(event?["legalBasisOverride"] as? Bool, true)
        XCTAssertNotNil(event?["overrideReason"] as? String)
        // The vocational school (simulator) answers the referral too.
        XCTAssertNotNil(try eventually(within: 20) { () -> Bool? in
            try self.referrals(caseId).first?["status"] as? String == "ended" ? true : nil
        })
    }

    func testConsentsAreValidatedListedAndWithdrawnAndOnlyAValidOneReleasesAReferral() throws {
        let caseId = try register()
        let client = try coordination()
        let invalid = try client.json("POST", "/cases/\(caseId)/consents", token: canton,
                                      body: ["partner": "partner:XYZ", "givenOn": "2099-01-01", "documentRef": "  "])
        XCTAssertEqual(invalid.status, 400)
        let fields = Set((try invalid.object()["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String })
        XCTAssertEqual(fields, ["partner", "givenOn", "documentRef"])
        XCTAssertEqual(try client.json("POST", "/cases/\(Identifier())/consents", token: canton,
                                       body: ["partner": "partner:RAV", "givenOn": "2026-01-05", "documentRef": "DMS-1"]).status, 404)

        let expired = try client.json("POST", "/cases/\(caseId)/consents", token: canton,
                                      body: ["partner": "partner:RAV", "givenOn": "2020-01-06", "expiresOn": "2021-01-05", "documentRef": "DMS-OLD"])
        XCTAssertEqual(expired.status, 201, expired.text)
        XCTAssertEqual(try expired.object()["state"] as? String, "expired")
        let given = try client.json("POST", "/cases/\(caseId)/consents", token: canton,
                                    body: ["partner": "partner:RAV", "givenOn": PersonFactory.today, "documentRef": "DMS-NEW"])
        let consentId = try XCTUnwrap(try given.object()["consentId"] as? String)
        let withdrawn = try client.json("DELETE", "/cases/\(caseId)/consents/\(consentId)", token: canton)
        XCTAssertEqual(withdrawn.status, 200, withdrawn.text)
        XCTAssertEqual(try withdrawn.object()["state"] as? String, "withdrawn")
        XCTAssertEqual(try client.json("DELETE", "/cases/\(caseId)/consents/\(consentId)", token: canton).status, 409)

        let first = try get("/cases/\(caseId)/consents?limit=1")
        XCTAssertEqual((first["items"] as? [Any])?.count, 1)
        let cursor = try XCTUnwrap(first["nextCursor"] as? String)
        let second = try get("/cases/\(caseId)/consents?limit=1&cursor=\(cursor)")
        XCTAssertEqual((second["items"] as? [Any])?.count, 1)
        XCTAssertEqual(try client.json("GET", "/cases/\(caseId)/consents", token: aarau).status, 403)

        // Neither the expired nor the withdrawn consent lets a granted measure's referral leave.
        let measureId = Identifier()
        try publish(measurePlanned(caseId, measureId, code: "AMIPLUS", partner: "partner:RAV"))
        try publish(CostApprovalDecided(caseId: Identifier(caseId)!, approvalId: Identifier(), measureId: measureId, decision: .partiallyGranted,
                                        grantedRappen: 300_000, fundingSource: .lumpSum, decidedOn: .today()))
        let waiting = try eventually(within: 15) { () -> String? in try self.referrals(caseId).first?["status"] as? String }
        XCTAssertEqual(waiting, "awaiting_consent")
    }

    // MARK: Handover, follow-up and access

    func testAHandoverGivesTheReceivingMunicipalityATaskAndTheCaseWhileTheOtherSeesNothing() throws {
        let caseId = try register()
        try publish(ResponsibilityTransferred(personId: Identifier(), caseId: Identifier(caseId)!, fromOrg: "canton:KSD", toOrg: "municipality:4001",
                                              effectiveOn: .today(), reason: .assignment))
        let task = try eventually(within: 15) { try self.openTask(caseId, kind: "handover", org: "municipality:4001", token: self.aarau) }
        let taskId = try XCTUnwrap(try XCTUnwrap(task, "no handover task for the receiving municipality")["taskId"] as? String)
        XCTAssertNil(try openTask(caseId, kind: "handover", org: nil, token: baden), "another municipality sees the task")
        XCTAssertEqual(try coordination().json("GET", "/tasks?org=municipality:4001", token: baden).status, 403)
        XCTAssertEqual(try coordination().json("GET", "/tasks?status=later", token: aarau).status, 400)
        XCTAssertEqual(try coordination().json("GET", "/cases/\(caseId)/dossier", token: aarau).status, 200)
        XCTAssertEqual(try coordination().json("GET", "/cases/\(caseId)/dossier", token: baden).status, 403)

        let client = try coordination()
        XCTAssertEqual(try client.json("POST", "/tasks/\(taskId)/completion", token: baden, body: ["outcome": "taken_over"]).status, 403)
        XCTAssertEqual(try client.json("POST", "/tasks/\(taskId)/completion", token: aarau, body: ["outcome": "taken over!"]).status, 400)
        let done = try client.json("POST", "/tasks/\(taskId)/completion", token: aarau,
                                   body: ["outcome": "taken_over", "notes": "first meeting on Monday"])
        XCTAssertEqual(done.status, 200, done.text)
        XCTAssertEqual(try done.object()["status"] as? String, "done")
        XCTAssertEqual(try client.json("POST", "/tasks/\(taskId)/completion", token: aarau, body: ["outcome": "taken_over"]).status, 409)

        // An interrupted measure: the municipality now responsible gets the follow-up, once.
        let measureId = Identifier(), planId = Identifier()
        try publish(MeasureStatusChanged(caseId: Identifier(caseId)!, planId: planId, measureId: measureId, catalogCode: "EMPLOYMENT_PROGRAMME",
                                         from: .started, to: .interrupted, on: .today(), reason: "health"))
        try publish(PlanDeviationFlagged(caseId: Identifier(caseId)!, planId: planId, kind: .interrupted, measureId: measureId, on: .today()))
        let followUp = try eventually(within: 15) { try self.openTask(caseId, kind: "measure_follow_up", org: "municipality:4001", token: self.aarau) }
        XCTAssertEqual(try XCTUnwrap(followUp)["subjectRef"] as? String, measureId.description)
        Thread.sleep(forTimeInterval: 1)
        let dossier = try get("/cases/\(caseId)/dossier", token: aarau)
        XCTAssertEqual((dossier["openTasks"] as? [[String: Any]] ?? []).filter { $0["kind"] as? String == "measure_follow_up" }.count, 1)
        let history = (dossier["responsibilityHistory"] as? [[String: Any]] ?? []).compactMap { $0["reason"] as? String }
        XCTAssertEqual(history, ["registration", "assignment"])
    }

    func testTheDossierShowsTheWholeCaseFromTheEventsOfEveryService() throws {
        let caseId = try register()
        let personId = try XCTUnwrap(try get("/cases/\(caseId)/dossier")["person"] as? [String: Any])["personId"] as? String ?? ""
        let planId = Identifier(), measureId = Identifier(), approvalId = Identifier(), assessmentId = Identifier()
        let id = Identifier(caseId)!, personIdentifier = try XCTUnwrap(Identifier(personId))
        try publish(PersonDataCorrected(personId: personIdentifier, caseId: id, changes: ["givenName": .string("Meron-Corrected"), "languages": .array([.string("ti")])],
                                        version: 2))
        try publish(AssessmentCompleted(caseId: id, assessmentId: assessmentId, kind: .short, heldOn: .today(),
                                        languageLevels: LanguageLevels(listening: .A2, speaking: .A1, reading: .A1, writing: .none), literate: true,
                                        schoolYears: 9, vocationalYears: 2, healthRestriction: .none, childcareDuties: false))
        try publish(TargetGroupAssigned(caseId: id, targetGroup: .labourMarketReady, pathway: "PW_LABOUR", decidedOn: .today(), ageAtDecision: 32,
                                        assessmentId: assessmentId, ruleSetVersion: "2019.1", ruleId: "adult-work-ready", potentialAssessmentDue: true))
        try publish(TargetGroupAssigned(caseId: id, targetGroup: .socialIntegration, pathway: "PW_SOCIAL", decidedOn: .today(), ageAtDecision: 32,
                                        overrideReason: "severe health restriction", potentialAssessmentDue: false))
        try publish(PlanDrafted(caseId: id, planId: planId, targetGroup: .socialIntegration, pathway: "PW_SOCIAL"))
        try publish(AgreementSigned(caseId: id, planId: planId, signedOn: .today(), goalCount: 2, reviewEveryMonths: 6,
                                    nextReviewDue: CalendarDate(year: 2027, month: 5, day: 22)!))
        try publish(measurePlanned(caseId, measureId, code: "MENTORING", partner: nil))
        try publish(BudgetOpened(caseId: id, lumpSumRappen: 1_800_000, openedOn: .today()))
        try publish(CostApprovalDecided(caseId: id, approvalId: approvalId, measureId: measureId, decision: .granted, grantedRappen: 400_000,
                                        fundingSource: .lumpSum, decidedOn: .today()))
        try publish(ChargeBooked(caseId: id, approvalId: approvalId, measureId: measureId, amountRappen: 150_000, bookedOn: .today()))
        try publish(PlanDeviationFlagged(caseId: id, planId: planId, kind: .reviewOverdue, on: .today()))
        let overdue = try eventually(within: 15) { try self.openTask(caseId, kind: "overdue_review", org: "canton:KSD", token: self.canton) }
        XCTAssertNotNil(overdue, "no task for the overdue review")
        try publish(PlanReviewed(caseId: id, planId: planId, heldOn: .today(), outcome: .onTrack, nextReviewDue: CalendarDate(year: 2027, month: 11, day: 22)))
        try publish(FinalReportIssued(caseId: id, planId: planId, reportId: Identifier(), issuedOn: .today(), fromOrg: "canton:KSD",
                                      toOrg: "municipality:4001"))
        try publish(CaseClosed(personId: personIdentifier, caseId: id, reason: .integrated, closedOn: .today(), outcome: .firstLabourMarket))

        var dossier: [String: Any] = [:]
        let complete = try eventually(within: 15) { () -> Bool? in
            dossier = try self.get("/cases/\(caseId)/dossier")
            return dossier["closure"] is [String: Any] && (dossier["finalReports"] as? [Any])?.count == 1
                && (dossier["budget"] as? [String: Any])?["spentRappen"] as? Int == 150_000
                && (dossier["plan"] as? [String: Any])?["lastReviewOutcome"] as? String == "on_track" ? true : nil
        }
        XCTAssertNotNil(complete, "the dossier never showed every part: \(dossier)")
        let person = try XCTUnwrap(dossier["person"] as? [String: Any])
        XCTAssertEqual(person["givenName"] as? String, "Meron-Corrected", "corrections are applied")
        XCTAssertEqual(person["languages"] as? [String], ["ti"])
        XCTAssertEqual(person["version"] as? Int, 2)
        XCTAssertEqual((dossier["assessments"] as? [[String: Any]])?.count, 1)
        let group = try XCTUnwrap(dossier["targetGroup"] as? [String: Any])
        XCTAssertEqual(group["targetGroup"] as? String, "social_integration")
        XCTAssertEqual(group["decidedBy"] as? String, "override")
        XCTAssertEqual((dossier["targetGroupHistory"] as? [[String: Any]])?.first?["ruleId"] as? String, "adult-work-ready")
        let plan = try XCTUnwrap(dossier["plan"] as? [String: Any])
        XCTAssertEqual(plan["status"] as? String, "active")
        XCTAssertEqual((plan["measures"] as? [[String: Any]])?.first?["catalogCode"] as? String, "MENTORING")
        let budget = try XCTUnwrap(dossier["budget"] as? [String: Any])
        XCTAssertEqual(budget["committedRappen"] as? Int, 400_000)
        XCTAssertEqual(budget["remainingRappen"] as? Int, 1_400_000)
        XCTAssertEqual((dossier["closure"] as? [String: Any])?["outcome"] as? String, "first_labour_market")
        XCTAssertEqual((dossier["openTasks"] as? [Any])?.count, 0, "a closed case has no open tasks")
        let types = Set((dossier["timeline"] as? [[String: Any]] ?? []).compactMap { $0["type"] as? String })
        XCTAssertTrue(types.isSuperset(of: ["intake.PersonRegistered", "intake.PersonDataCorrected", "costs.ChargeBooked",
                                            "coordination.TaskOpened", "coordination.TaskCompleted", "intake.CaseClosed"]), "\(types)")
    }

    func testEveryReadOfTheDossierIsInTheAuditTrailWhichOnlyAuditorsSee() throws {
        let caseId = try register()
        XCTAssertEqual(try coordination().json("GET", "/cases/\(caseId)/dossier", token: baden).status, 403)
        let auditor = TestEnvironment.token(org: "canton:DVI", roles: ["auditor"], subject: "auditor-3")
        XCTAssertEqual(try coordination().json("GET", "/audit?caseId=\(caseId)", token: canton).status, 403)
        XCTAssertEqual(try coordination().json("GET", "/audit?from=yesterday", token: auditor).status, 400)
        let entries = try eventually(within: 15) { () -> [[String: Any]]? in
            let items = try self.get("/audit?caseId=\(caseId)", token: auditor)["items"] as? [[String: Any]] ?? []
            let reads = items.filter { $0["route"] as? String == "/cases/{caseId}/dossier" && $0["service"] as? String == "coordination" }
            return reads.contains { $0["status"] as? Int == 403 } && reads.contains { $0["status"] as? Int == 200 } ? items : nil
        }
        let items = try XCTUnwrap(entries, "the dossier reads never reached the audit trail")
        XCTAssertTrue(items.contains { $0["org"] as? String == "municipality:4021" && $0["action"] as? String == "read" })
        let times = items.compactMap { $0["at"] as? String }
        XCTAssertEqual(times, times.sorted(by: >), "newest first")
    }

    func testThePartnerSimulatorIsReadyAndStopsCleanlyOnSIGTERM() throws {
        let port = TestEnvironment.freePort()
        let simulator = ServiceProcess(name: "partner-simulator", port: port,
                                       environment: try TestEnvironment.serviceEnvironment("partner-simulator", port: port, instance: "simulator-e2e-2"))
        try simulator.start()
        defer { simulator.stop() }
        try simulator.waitUntilReady()
        XCTAssertEqual(try HTTPClient.connected(port: port).request("GET", "/healthz").status, 200)
        simulator.stop()
        XCTAssertEqual(simulator.exitStatus, 0)
    }

    func testAPartnerAnswerToAReferralNeverSentGoesToTheDeadLetterTopic() throws {
        let caseId = Identifier()
        let marker = Identifier()
        XCTAssertNoThrow(try Self.events.publish(MeasureEnrolled(referralId: Identifier(), caseId: caseId, enrolledOn: .today(), startsOn: .today()),
                                                 subject: caseId.description, topic: PartnerChannel.rav.inbound, source: PartnerChannel.rav.source,
                                                 actor: Actor(subject: "rav-e2e", organisation: "partner:RAV"), correlationid: marker))
        let message = try XCTUnwrap(try deadLetter(on: "iiz.partner.rav.inbound.v1.dlq", marker: marker),
                                    "the answer to an unknown referral did not reach the dead-letter topic")
        let reason = String(decoding: message.header("dlq-reason") ?? [], as: UTF8.self)
        XCTAssertTrue(reason.contains("never sent"), reason)
    }

    // MARK: Indicators

    func testTheIndicatorsOfACohortCountOnlyRecordedFactsWithinTheirHorizon() throws {
        // A cohort year of its own, long enough ago that every horizon has passed.
        let year = Int.random(in: 1950...2015)
        func person(_ born: Int, _ status: ResidenceStatus) throws -> Identifier {
            let caseId = Identifier()
            try publish(PersonRegistered.sample(caseId: caseId, givenName: "Cohort", familyName: "Member", dateOfBirth: day(born, 1, 1),
                                                status: status, enteredCantonOn: day(year, 3, 1)))
            return caseId
        }
        func assessed(_ caseId: Identifier, on heldOn: CalendarDate, _ levels: LanguageLevels) -> AssessmentCompleted {
            AssessmentCompleted(caseId: caseId, assessmentId: Identifier(), kind: .short, heldOn: heldOn, languageLevels: levels, literate: true,
                                schoolYears: 9, vocationalYears: 0, healthRestriction: .none, childcareDuties: false)
        }
        let a = try person(year - 30, .VA)    // language A1 and work: indicators 1 and 4
        let b = try person(year - 40, .FL)    // mentoring completed: indicator 5
        _ = try person(year - 35, .N)         // asylum seeker: not counted
        let d = try person(year - 2, .FL)     // playgroup before 5: indicator 2
        let e = try person(year - 18, .VA)    // bridge course started: indicator 3
        let f = try person(year - 28, .VA)    // left the canton after a year: not counted
        try publish(assessed(a, on: day(year + 2, 1, 10), LanguageLevels(listening: .A2, speaking: .A1, reading: .A1, writing: .A1)))
        // An assessment after the 3-year horizon does not count for b.
        try publish(assessed(b, on: day(year + 4, 1, 10), LanguageLevels(listening: .B1, speaking: .B1, reading: .B1, writing: .B1)))
        try publish(CaseClosed(personId: Identifier(), caseId: a, reason: .integrated, closedOn: day(year + 5, 6, 30), outcome: .firstLabourMarket))
        try publish(CaseClosed(personId: Identifier(), caseId: f, reason: .leftCanton, closedOn: day(year + 1, 2, 1)))
        for (caseId, code, status, on) in [(b, "MENTORING", MeasureStatus.completed, day(year + 6, 5, 1)), (d, "PLAYGROUP", .completed, day(year + 2, 7, 1)),
                                           (e, "BAI", .started, day(year + 1, 8, 15))] {
            let measureId = Identifier()
            try publish(measurePlanned(caseId.description, measureId, code: code, partner: nil))
            try publish(MeasureStatusChanged(caseId: caseId, planId: Identifier(), measureId: measureId, catalogCode: code, from: .enrolled, to: status,
                                             on: on))
        }

        let expected: [Int: (Int, Int)] = [1: (1, 4), 2: (1, 1), 3: (1, 1), 4: (1, 3), 5: (1, 4)]
        var last: [String: Any] = [:]
        let matched = try eventually(within: 20) { () -> Bool? in
            last = try self.get("/reports/ias-indicators?entryYear=\(year)")
            let figures = (last["indicators"] as? [[String: Any]] ?? []).reduce(into: [Int: (Int, Int)]()) {
                $0[$1["id"] as? Int ?? 0] = ($1["numerator"] as? Int ?? -1, $1["denominator"] as? Int ?? -1)
            }
            let all = expected.allSatisfy { id, want in figures[id].map { $0 == want } ?? false }
            return all && last["cohortSize"] as? Int == 6 ? true : nil
        }
        XCTAssertNotNil(matched, "indicators: \(last)")
        let first = try XCTUnwrap((last["indicators"] as? [[String: Any]])?.first)
        XCTAssertEqual(first["share"] as? Double, 0.25)
        XCTAssertFalse((first["definition"] as? String ?? "").isEmpty)
        XCTAssertEqual((first["partial"] as? [String: Any])?["denominator"] as? Int, 0)

        XCTAssertEqual(try coordination().json("GET", "/reports/ias-indicators?entryYear=\(year)", token: aarau).status, 403)
        XCTAssertEqual(try coordination().json("GET", "/reports/ias-indicators", token: canton).status, 400)
    }

    // MARK: Steps

    func coordination() throws -> HTTPClient { try Self.stack.client("coordination") }

    /// Registers through intake and waits until coordination has the case.
    func register() throws -> String {
        let worker = CaseWorker(stack: Self.stack, caseworker: canton, approver: approver)
        let caseId = try worker.register(.sample(givenName: "Meron")).caseId
        try worker.dossier(caseId)
        return caseId
    }

    func measurePlanned(_ caseId: String, _ measureId: Identifier, code: String, partner: String?) -> MeasurePlanned {
        MeasurePlanned(caseId: Identifier(caseId)!, planId: Identifier(), measureId: measureId, catalogCode: code, fieldOfAction: "work",
                       fundingSource: .lumpSum, partner: partner, startsOn: .today(), estimatedCostRappen: 600_000)
    }

    /// Publishes `payload` as its service would, about the case it names.
    func publish<E: EventPayload>(_ payload: E) throws {
        let caseId = try XCTUnwrap(try JSONValue(encoding: payload)["caseId"]?.stringValue, "\(E.eventType) names no case")
        try Self.events.publish(payload, subject: caseId)
    }

    func day(_ year: Int, _ month: Int, _ day: Int) -> CalendarDate { CalendarDate(year: year, month: month, day: day)! }

    func get(_ path: String, token: String? = nil) throws -> [String: Any] {
        let r = try coordination().json("GET", path, token: token ?? canton)
        XCTAssertEqual(r.status, 200, "\(path): \(r.text)")
        return r.status == 200 ? try r.object() : [:]
    }

    func referrals(_ caseId: String) throws -> [[String: Any]] {
        try get("/cases/\(caseId)/referrals")["items"] as? [[String: Any]] ?? []
    }

    func openTask(_ caseId: String, kind: String, org: String?, token: String) throws -> [String: Any]? {
        let path = "/tasks?status=open&kind=\(kind)&limit=200" + (org.map { "&org=\($0)" } ?? "")
        let items = try get(path, token: token)["items"] as? [[String: Any]] ?? []
        return items.first { $0["caseId"] as? String == caseId }
    }
}
