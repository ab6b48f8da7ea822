import Foundation
import IASContracts
import IASKafka
import IASMessaging
import IASRuntime
import IASHTTPClient
import TestSupport
import XCTest

/// The process prompts through real processes: the upstream events are published as intake,
/// assessment, plan and costs would, coordination opens each prompt for the right office with
/// the due date of the shipped task rules, closes it when the event of the step arrives, and
/// escalates what stays overdue. The scheduled job runs every second here.
final class TaskPromptsEndToEndTests: StackTestCase {
    nonisolated(unsafe) static var events: EventPublisher!
    let canton = TestEnvironment.token(org: "canton:KSD")
    let aarau = TestEnvironment.token(org: "municipality:4001")
    let baden = TestEnvironment.token(org: "municipality:4021")
    let today = CalendarDate.today()

    override class func startStack() -> TestStack {
        .running(["intake", "coordination"], extraEnvironment: ["coordination": ["IAS_TASK_PROMPTS_INTERVAL_SECONDS": "1"]])
    }

    override class func setUp() {
        super.setUp()
        do { events = try EventPublisher(clientId: "e2e-task-prompts") } catch { stack.stop(); fatalError("no producer: \(error)") }
    }

    override class func tearDown() {
        events?.close()
        super.tearDown()
    }

    // MARK: Prompts from events

    func testARegularisationPromptsTheStatusMeetingAndShortAssessmentWhichFollowAHandoverAndCloseWhenHeld() throws {
        let caseId = try register(org: "municipality:4001")
        let decided = today.plusDays(-5)
        let regularized = try publish(StatusRegularized(personId: Identifier(), caseId: caseId, previousStatus: .N, status: .VA, decidedOn: decided))

        let meeting = try XCTUnwrap(try waitForTask(caseId, "status_meeting", token: aarau), "no status meeting prompt for the municipality")
        XCTAssertEqual(meeting["assigneeOrg"] as? String, "municipality:4001")
        XCTAssertEqual(meeting["dueOn"] as? String, decided.plusDays(30).description)
        let assessment = try XCTUnwrap(try waitForTask(caseId, "short_assessment", token: aarau))
        XCTAssertEqual(assessment["dueOn"] as? String, decided.plusDays(60).description)

        // Redelivered: the inbox keeps it from opening anything twice.
        try Self.events.send(try KafkaRecord.event(regularized, topic: Topics.intake))

        // A handover moves the open prompts to the new office; the previous one no longer lists them.
        try publish(ResponsibilityTransferred(personId: Identifier(), caseId: caseId, fromOrg: "municipality:4001", toOrg: "municipality:4021",
                                              effectiveOn: today, reason: .relocation))
        let moved = try eventually(within: 15) { try self.openTask(caseId, "status_meeting", token: self.baden) }
        XCTAssertEqual(try XCTUnwrap(moved)["assigneeOrg"] as? String, "municipality:4021")
        XCTAssertNil(try openTask(caseId, "status_meeting", token: aarau))

        try publish(StatusMeetingRecorded(caseId: caseId, meetingId: Identifier(), heldOn: today, participantCount: 2))
        try publish(AssessmentCompleted(caseId: caseId, assessmentId: Identifier(), kind: .short, heldOn: today,
                                        languageLevels: LanguageLevels(listening: .A1, speaking: .A1, reading: .none, writing: .none),
                                        literate: true, schoolYears: 6, vocationalYears: 0, healthRestriction: .none, childcareDuties: false))
        let meetingDone = try waitForDone(caseId, "status_meeting")
        XCTAssertEqual(meetingDone["outcome"] as? String, "meeting_held")
        XCTAssertEqual(try waitForDone(caseId, "short_assessment")["outcome"] as? String, "assessment_held")
        XCTAssertEqual(try tasks(caseId, "status_meeting").count, 1, "the redelivered regularisation opened a second prompt")
        XCTAssertNil(try openTask(caseId, "status_meeting", token: canton))
    }

    func testTriagePromptsThePlanAndThePotentialAssessmentOnlyForAges16To50() throws {
        let younger = try register(org: "municipality:4001"), older = try register(org: "municipality:4001")
        let decided = today.plusDays(-3)
        for (caseId, age) in [(younger, 30), (older, 55)] {
            try publish(TargetGroupAssigned(caseId: caseId, targetGroup: .labourMarketReady, pathway: "work", decidedOn: decided, ageAtDecision: age,
                                            ruleSetVersion: "2026.1", ruleId: "e2e", potentialAssessmentDue: true))
        }
        let plan = try XCTUnwrap(try waitForTask(younger, "plan_agreement", token: aarau))
        XCTAssertEqual(plan["dueOn"] as? String, decided.plusDays(60).description)
        let potential = try XCTUnwrap(try waitForTask(younger, "potential_assessment", token: aarau))
        XCTAssertEqual(potential["dueOn"] as? String, decided.plusDays(90).description)
        XCTAssertEqual(potential["assigneeOrg"] as? String, "municipality:4001")
        XCTAssertNotNil(try waitForTask(older, "plan_agreement", token: aarau))
        XCTAssertEqual(try tasks(older, "potential_assessment").count, 0, "a person of 55 is prompted for a potential assessment")

        let planId = Identifier()
        try publish(AgreementSigned(caseId: younger, planId: planId, signedOn: today, goalCount: 2, reviewEveryMonths: 6,
                                    nextReviewDue: today.adding(years: 1)))
        try publish(AssessmentCompleted(caseId: younger, assessmentId: Identifier(), kind: .potential, heldOn: today,
                                        languageLevels: LanguageLevels(listening: .A2, speaking: .A2, reading: .A1, writing: .A1),
                                        literate: true, schoolYears: 9, vocationalYears: 2, healthRestriction: .none, childcareDuties: false))
        XCTAssertEqual(try waitForDone(younger, "plan_agreement")["outcome"] as? String, "agreement_signed")
        XCTAssertEqual(try waitForDone(younger, "potential_assessment")["outcome"] as? String, "assessment_held")
        XCTAssertNotNil(try openTask(older, "plan_agreement", token: aarau), "another case's agreement closed this prompt")
    }

    func testACostDecisionIsPromptedToTheCantonItsNoticeToTheRequestingOfficeAndPartnerNewsToTheResponsibleOne() throws {
        let caseId = try register(org: "municipality:4001")
        let measureId = Identifier(), approvalId = Identifier()
        try publish(MeasurePlanned(caseId: caseId, planId: Identifier(), measureId: measureId, catalogCode: "AMIPLUS", fieldOfAction: "work",
                                   fundingSource: .lumpSum, partner: "partner:RAV", startsOn: today, estimatedCostRappen: 600_000))
        try publish(CostApprovalRequested(caseId: caseId, approvalId: approvalId, measureId: measureId, amountRappen: 600_000,
                                          requestedByOrg: "municipality:4001"))
        let decision = try XCTUnwrap(try waitForTask(caseId, "cost_decision", token: canton))
        XCTAssertEqual(decision["assigneeOrg"] as? String, "canton:KSD")
        XCTAssertEqual(decision["dueOn"] as? String, today.plusDays(10).description)

        try publish(CostApprovalDecided(caseId: caseId, approvalId: approvalId, measureId: measureId, decision: .granted,
                                        grantedRappen: 600_000, fundingSource: .lumpSum, decidedOn: today))
        XCTAssertEqual(try waitForDone(caseId, "cost_decision")["outcome"] as? String, "granted")
        let notice = try XCTUnwrap(try waitForTask(caseId, "cost_decision_notice", token: aarau), "the requesting office was not told")
        XCTAssertEqual(notice["subjectRef"] as? String, approvalId.description)
        XCTAssertEqual(notice["dueOn"] as? String, today.plusDays(7).description)
        // The office marks the notice read: it closes.
        let read = try coordination().json("POST", "/tasks/\(notice["taskId"] as? String ?? "")/completion", token: aarau,
                                           body: ["outcome": "noted"])
        XCTAssertEqual(read.status, 200, read.text)

        // With a consent the referral leaves; the partner (answering here on its own topic) enrols
        // the person and ends the measure, and each tells the responsible office.
        let consent = try coordination().json("POST", "/cases/\(caseId)/consents", token: canton,
                                              body: ["partner": "partner:RAV", "givenOn": today.description, "documentRef": "DMS-2026-0077"])
        XCTAssertEqual(consent.status, 201, consent.text)
        let referralId = try XCTUnwrap((try consent.object()["referralsSent"] as? [String])?.first.flatMap(Identifier.init), consent.text)
        try answer(MeasureEnrolled(referralId: referralId, caseId: caseId, enrolledOn: today, startsOn: today), caseId)
        try answer(MeasureEnded(referralId: referralId, caseId: caseId, endedOn: today, outcome: .completed), caseId)
        let notices = try eventually(within: 25) { () -> [[String: Any]]? in
            let open = try self.tasks(caseId, "partner_update_notice").filter { $0["status"] as? String == "open" }
            return open.count == 2 ? open : nil
        }
        let seen = try tasks(caseId, "partner_update_notice")
        let both = try XCTUnwrap(notices, "the partner's enrolment and end were not prompted: \(seen)")
        XCTAssertEqual(Set(both.compactMap { ($0["subjectRef"] as? String)?.split(separator: ":").last.map(String.init) }), ["enrolled", "ended"])
        XCTAssertTrue(both.allSatisfy { $0["assigneeOrg"] as? String == "municipality:4001" })
    }

    // MARK: Prompts from time

    func testTheScheduledJobPromptsAReviewAMissingLanguageCourseAndTheSevenYearLimitAndEachClosesWithItsStep() throws {
        let entered = today.adding(years: -7).plusDays(60)   // the limit is two months away
        let caseId = try register(org: "municipality:4001", enteredCantonOn: entered)
        let planId = Identifier(), signed = today.plusDays(-100), review = today.plusDays(10)
        try publish(PlanDrafted(caseId: caseId, planId: planId, targetGroup: .labourMarketReady, pathway: "work"))
        try publish(AgreementSigned(caseId: caseId, planId: planId, signedOn: signed, goalCount: 2, reviewEveryMonths: 6, nextReviewDue: review))

        let reviewTask = try XCTUnwrap(try waitForTask(caseId, "review_due", token: aarau), "the coming review was not prompted")
        XCTAssertEqual(reviewTask["dueOn"] as? String, review.description)
        XCTAssertEqual(reviewTask["subjectRef"] as? String, "\(planId)@\(review)")
        let language = try XCTUnwrap(try waitForTask(caseId, "language_course_missing", token: aarau), "the missing course was not prompted")
        XCTAssertEqual(language["dueOn"] as? String, Self.addingMonths(4, to: signed).description)
        let limit = try XCTUnwrap(try waitForTask(caseId, "seven_year_limit", token: aarau), "the seven-year limit was not prompted")
        XCTAssertEqual(limit["dueOn"] as? String, entered.adding(years: 7).description)

        // The steps: a language course enrolled, the review held, the case closed.
        let course = Identifier()
        try publish(MeasurePlanned(caseId: caseId, planId: planId, measureId: course, catalogCode: "GER_A1", fieldOfAction: "language",
                                   fundingSource: .lumpSum, startsOn: today, estimatedCostRappen: 150_000))
        try publish(MeasureStatusChanged(caseId: caseId, planId: planId, measureId: course, catalogCode: "GER_A1", from: .approved, to: .enrolled,
                                         on: today))
        XCTAssertEqual(try waitForDone(caseId, "language_course_missing")["outcome"] as? String, "language_course_enrolled")
        try publish(PlanReviewed(caseId: caseId, planId: planId, heldOn: today, outcome: .onTrack, nextReviewDue: today.adding(years: 1)))
        XCTAssertEqual(try waitForDone(caseId, "review_due")["outcome"] as? String, "review_held")
        try publish(CaseClosed(personId: Identifier(), caseId: caseId, reason: .integrated, closedOn: today, outcome: nil))
        XCTAssertEqual(try waitForDone(caseId, "seven_year_limit")["outcome"] as? String, "case_closed")

        // Several runs later nothing done comes back.
        Thread.sleep(forTimeInterval: 2.5)
        for kind in ["review_due", "language_course_missing", "seven_year_limit"] {
            XCTAssertEqual(try tasks(caseId, kind).count, 1, "\(kind) was opened again after it was done")
        }
    }

    // MARK: Escalation

    func testAnOverdueTaskIsEscalatedToTheCantonOnceAndCountedForItsMunicipality() throws {
        let caseId = try register(org: "municipality:4001")
        // Decided 60 days ago: the status meeting was due 30 days ago, past the 14 days' grace.
        let decided = today.plusDays(-60)
        try publish(StatusRegularized(personId: Identifier(), caseId: caseId, previousStatus: .N, status: .FL, decidedOn: decided))
        let escalated = try eventually(within: 20) { () -> [String: Any]? in
            try self.tasks(caseId, "status_meeting").first { $0["escalatedAt"] as? String != nil }
        }
        let seen = try tasks(caseId, "status_meeting")
        let task = try XCTUnwrap(escalated, "the overdue prompt was not escalated: \(seen)")
        XCTAssertEqual(task["escalatedTo"] as? String, "canton:KSD")
        XCTAssertEqual(task["assigneeOrg"] as? String, "municipality:4001", "escalation leaves the task with its office")
        // The short assessment (due in 0 days from now) is not overdue past its grace: not escalated.
        let notYet = try XCTUnwrap(try openTask(caseId, "short_assessment", token: aarau))
        XCTAssertEqual(notYet["dueOn"] as? String, today.description)
        XCTAssertNil(notYet["escalatedAt"] as? String)

        // The canton lists the escalations; the filter is checked.
        let listed = try get("/tasks?escalated=true&limit=200", token: canton)["items"] as? [[String: Any]] ?? []
        XCTAssertTrue(listed.contains { $0["taskId"] as? String == task["taskId"] as? String })
        XCTAssertFalse(listed.contains { $0["escalatedAt"] as? String == nil })
        let notEscalated = try get("/tasks?escalated=false&limit=200&kind=short_assessment", token: canton)["items"] as? [[String: Any]] ?? []
        XCTAssertTrue(notEscalated.contains { $0["caseId"] as? String == caseId.description })
        let bad = try coordination().json("GET", "/tasks?escalated=maybe", token: canton, body: nil)
        XCTAssertEqual(bad.status, 400)
        XCTAssertTrue(bad.text.contains("escalated"), bad.text)

        // One escalation, one event, without personal data beyond ids.
        Thread.sleep(forTimeInterval: 2)
        let timeline = try get("/cases/\(caseId)/dossier", token: canton)["timeline"] as? [[String: Any]] ?? []
        let escalations = timeline.filter { $0["type"] as? String == "coordination.TaskEscalated" }
        XCTAssertEqual(escalations.count, 1, "escalated more than once")
        let data = try XCTUnwrap(escalations.first?["data"] as? [String: Any])
        XCTAssertEqual(Set(data.keys), ["caseId", "taskId", "kind", "assigneeOrg", "escalatedTo", "dueOn"])
        XCTAssertEqual(data["dueOn"] as? String, decided.plusDays(30).description)

        // The canton sees per municipality what is overdue; a municipality may not.
        let summary = try get("/tasks/overdue-summary", token: canton)
        let entries = summary["entries"] as? [[String: Any]] ?? []
        let mine = try XCTUnwrap(entries.first { $0["municipality"] as? Int == 4001 }, "\(summary)")
        XCTAssertGreaterThanOrEqual(mine["escalated"] as? Int ?? 0, 1)
        XCTAssertGreaterThanOrEqual(mine["overdue"] as? Int ?? 0, mine["escalated"] as? Int ?? 0)
        let kinds = mine["byKind"] as? [[String: Any]] ?? []
        XCTAssertGreaterThanOrEqual(kinds.first { $0["kind"] as? String == "status_meeting" }?["escalated"] as? Int ?? 0, 1)
        XCTAssertEqual(try coordination().json("GET", "/tasks/overdue-summary", token: aarau, body: nil).status, 403)
    }

    // MARK: Support

    func coordination() throws -> HTTPClient { try Self.stack.client("coordination") }

    /// A case registered as intake would publish it, responsible `org`, known to coordination.
    func register(org: String, enteredCantonOn: CalendarDate? = nil) throws -> Identifier {
        let caseId = Identifier()
        let entered = enteredCantonOn ?? today.plusDays(-200)
        try publish(PersonRegistered.sample(caseId: caseId, givenName: "Test", familyName: "Prompt", dateOfBirth: CalendarDate("1994-02-11")!,
                                            status: .N, enteredCantonOn: entered, responsibleOrg: org))
        let known = try eventually(within: 30) { () -> Bool? in
            try self.coordination().json("GET", "/cases/\(caseId)/dossier", token: self.canton, body: nil).status == 200 ? true : nil
        }
        XCTAssertNotNil(known, "coordination never learnt of the case")
        return caseId
    }

    @discardableResult
    func publish<E: EventPayload>(_ payload: E) throws -> EventEnvelope {
        let caseId = try XCTUnwrap(try JSONValue(encoding: payload)["caseId"]?.stringValue, "\(E.eventType) names no case")
        return try Self.events.publish(payload, subject: caseId)
    }

    /// A message of the job centre on its inbound topic, as the partner sends it.
    func answer<E: EventPayload>(_ payload: E, _ caseId: Identifier) throws {
        try Self.events.publish(payload, subject: caseId.description, topic: PartnerChannel.rav.inbound, source: PartnerChannel.rav.source,
                                actor: Actor(subject: "e2e-partner", organisation: "partner:RAV"))
    }

    func get(_ path: String, token: String) throws -> [String: Any] {
        let r = try coordination().json("GET", path, token: token, body: nil)
        XCTAssertEqual(r.status, 200, "\(path): \(r.text)")
        return r.status == 200 ? try r.object() : [:]
    }

    /// Every task of `kind` of the case, open or done (as the canton sees them).
    func tasks(_ caseId: Identifier, _ kind: String) throws -> [[String: Any]] {
        let items = try get("/tasks?kind=\(kind)&limit=200", token: canton)["items"] as? [[String: Any]] ?? []
        return items.filter { $0["caseId"] as? String == caseId.description }
    }

    func openTask(_ caseId: Identifier, _ kind: String, token: String) throws -> [String: Any]? {
        let items = try get("/tasks?status=open&kind=\(kind)&limit=200", token: token)["items"] as? [[String: Any]] ?? []
        return items.first { $0["caseId"] as? String == caseId.description }
    }

    func waitForTask(_ caseId: Identifier, _ kind: String, token: String) throws -> [String: Any]? {
        try eventually(within: 20) { try self.openTask(caseId, kind, token: token) }
    }

    func waitForDone(_ caseId: Identifier, _ kind: String) throws -> [String: Any] {
        let done = try eventually(within: 20) { try self.tasks(caseId, kind).first { $0["status"] as? String == "done" } }
        let seen = done == nil ? try tasks(caseId, kind) : []
        return try XCTUnwrap(done, "\(kind) did not close: \(seen)")
    }

    /// The same day `months` later, computed here apart from the service's own arithmetic.
    static func addingMonths(_ months: Int, to day: CalendarDate) -> CalendarDate {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let start = calendar.date(from: DateComponents(year: day.year, month: day.month, day: day.day))!
        return CalendarDate(utcDayOf: calendar.date(byAdding: .month, value: months, to: start)!)
    }
}

private extension CalendarDate {
    /// The day `days` later (earlier when negative), counted here apart from the service.
    func plusDays(_ days: Int) -> CalendarDate {
        CalendarDate(utcDayOf: Date(timeIntervalSince1970: TimeInterval(days * 86_400)
            + DateComponents(calendar: Calendar(identifier: .gregorian), timeZone: TimeZone(identifier: "UTC")!,
                             year: year, month: month, day: day).date!.timeIntervalSince1970))
    }
}
