@testable import CoordinationService
import Foundation
import IASContracts
import IASCrypto
import IASRuntime
import IASServiceKit
import TestSupport
import XCTest

/// Coordination's dossier projection and task list in process against PostgreSQL: handovers
/// applied as intake publishes them open and move tasks, the task list follows the
/// responsibility, and a redelivered event changes nothing.
final class CoordinationInProcessTests: CoordinationInProcessCase {

    let (canton, aarau, baden) = (TestEnvironment.token(org: "canton:KSD"), TestEnvironment.token(org: "municipality:4001"),
                                  TestEnvironment.token(org: "municipality:4021"))

    /// The tasks of `caseId` that `token`'s organisation lists with `query`.
    private func tasks(_ caseId: Identifier, _ query: String, token: String) throws -> [JSONValue] {
        let answer = try Self.coordination.request("GET", "/tasks?limit=200&" + query, token: token)
        XCTAssertEqual(answer.status, 200, String(decoding: answer.body, as: UTF8.self))
        guard case .array(let items)? = try JSONParser.parse(answer.body)["items"] else { return [] }
        return items.filter { $0["caseId"]?.stringValue == caseId.description }
    }

    private func handover(_ caseId: Identifier, from: String, to: String, reason: TransferReason) -> ResponsibilityTransferred {
        ResponsibilityTransferred(personId: Identifier(), caseId: caseId, fromOrg: from, toOrg: to, effectiveOn: .today(), reason: reason)
    }

    func testAHandoverOpensATaskForTheReceivingMunicipalityAndTheNextOneMovesTheOpenWorkOn() throws {
        let caseId = Identifier()
        XCTAssertEqual(try Self.coordination.apply(PersonRegistered.sample(caseId: caseId, givenName: "Meron", familyName: "InProcess"),
                                                   subject: caseId.description), [true])
        let assignment = try EventPublisher.envelope(handover(caseId, from: "canton:KSD", to: "municipality:4001", reason: .assignment),
                                                     subject: caseId.description)
        XCTAssertEqual(try Self.coordination.apply(assignment, topic: Topics.intake), [true])

        let opened = try tasks(caseId, "org=municipality:4001&kind=handover&status=open", token: aarau)
        XCTAssertEqual(opened.count, 1)
        XCTAssertEqual(opened.first?["assigneeOrg"]?.stringValue, "municipality:4001")
        XCTAssertEqual(opened.first?["subjectRef"]?.stringValue, "municipality:4001@\(CalendarDate.today())")
        // The person's name stands beside the task's own members, so that a work list can be read.
        XCTAssertEqual(opened.first?["person"]?["familyName"]?.stringValue, "InProcess")
        XCTAssertEqual(opened.first?["person"]?["givenName"]?.stringValue, "Meron")
        XCTAssertEqual(try tasks(caseId, "", token: baden).count, 0, "another municipality lists nothing of the case")

        // Delivered again: the inbox knows it, nothing is applied twice.
        XCTAssertEqual(try Self.coordination.apply(assignment, topic: Topics.intake), [false])
        XCTAssertEqual(try tasks(caseId, "kind=handover", token: canton).count, 1)

        // Open work of 4001 that is not a takeover, to see it move with the case.
        try Self.coordination.host.pool.transaction { c in
            try TaskStore.open(caseId: caseId, kind: .statusMeeting, assignee: "municipality:4001", subjectRef: "in-process",
                               cause: Cause(event: assignment), on: c)
        }

        // Relocation before 4001 confirmed its takeover: that confirmation is done by the handing
        // on, the open work moves with the case and the new municipality confirms the takeover.
        try Self.coordination.apply(handover(caseId, from: "municipality:4001", to: "municipality:4021", reason: .relocation), subject: caseId.description)
        XCTAssertEqual(try tasks(caseId, "", token: aarau).count, 0, "the previous municipality no longer lists the case's tasks")
        let moved = try tasks(caseId, "org=municipality:4021&status=open", token: baden)
        XCTAssertEqual(moved.compactMap { $0["kind"]?.stringValue }.sorted(), ["handover", "status_meeting"], "one takeover, not two")
        XCTAssertEqual(Set(moved.compactMap { $0["assigneeOrg"]?.stringValue }), ["municipality:4021"])
        XCTAssertEqual(moved.first { $0["kind"]?.stringValue == "handover" }?["subjectRef"]?.stringValue, "municipality:4021@\(CalendarDate.today())")
        let everything = try tasks(caseId, "", token: canton)
        XCTAssertEqual(everything.count, 3, "the canton sees every task of the case")
        let superseded = everything.first { $0["status"]?.stringValue == "done" }
        XCTAssertEqual(superseded?["kind"]?.stringValue, "handover")
        XCTAssertEqual(superseded?["assigneeOrg"]?.stringValue, "municipality:4001")
        XCTAssertEqual(superseded?["outcome"]?.stringValue, "handed_on")
        XCTAssertEqual(try Self.coordination.published(type: TaskCompleted.eventType).map { try $0.envelope.payload(TaskCompleted.self) }
            .filter { $0.caseId == caseId }.map(\.outcome), ["handed_on"], "the completion is published like any other")

        let opening = try Self.coordination.published(type: TaskOpened.eventType).map { try $0.envelope.payload(TaskOpened.self) }
            .filter { $0.caseId == caseId && $0.kind == .handover }
        XCTAssertEqual(opening.map(\.assigneeOrg), ["municipality:4001", "municipality:4021"], "one TaskOpened per handover, in order")
        let dossier = try Self.coordination.request("GET", "/cases/\(caseId)/dossier", token: baden)
        XCTAssertEqual(dossier.status, 200)
        XCTAssertEqual(try JSONParser.parse(dossier.body)["responsibleOrg"]?.stringValue, "municipality:4021")
        XCTAssertEqual(try Self.coordination.request("GET", "/cases/\(caseId)/dossier", token: aarau).status, 403)
    }

    func testTheQueueOrderPutsOverdueTasksFirstAcrossPagesAndUndatedOnesLast() throws {
        let caseId = Identifier()
        let registration = try EventPublisher.envelope(PersonRegistered.sample(caseId: caseId, givenName: "Selam", familyName: "Queue"),
                                                       subject: caseId.description)
        try Self.coordination.apply(registration, topic: Topics.intake)
        // An organisation of this test alone, so that the other tests' tasks stay out of the list.
        let org = "municipality:\(Int.random(in: 6000...6999))"
        func day(_ offset: Int) -> CalendarDate { CalendarDate(utcDayOf: Date().addingTimeInterval(Double(offset) * 86_400)) }
        // Opened in this order: the newest-first list would show the overdue ones last.
        let opened: [(ref: String, due: CalendarDate?)] = [("overdue-first", day(-20)), ("undated", nil), ("in-ten-days", day(10)),
                                                           ("overdue-second", day(-20)), ("tomorrow", day(1)), ("yesterday", day(-1))]
        for task in opened {
            try Self.coordination.host.pool.transaction { c in
                try TaskStore.open(caseId: caseId, kind: .measureFollowUp, assignee: org, subjectRef: task.ref, dueOn: task.due,
                                   cause: Cause(event: registration), on: c)
            }
        }
        var refs: [String] = [], cursor: String?
        repeat {
            let answer = try Self.coordination.request("GET", "/tasks?status=open&order=due&limit=4&org=\(org)" + (cursor.map { "&cursor=\($0)" } ?? ""),
                                                       token: canton)
            XCTAssertEqual(answer.status, 200, String(decoding: answer.body, as: UTF8.self))
            let page = try JSONParser.parse(answer.body)
            if case .array(let items)? = page["items"] { refs += items.compactMap { $0["subjectRef"]?.stringValue } }
            cursor = page["nextCursor"]?.stringValue
        } while cursor != nil && refs.count < 20
        XCTAssertEqual(refs, ["overdue-first", "overdue-second", "yesterday", "tomorrow", "in-ten-days", "undated"])

        let newest = try JSONParser.parse(try Self.coordination.request("GET", "/tasks?status=open&limit=10&org=\(org)", token: canton).body)
        guard case .array(let newestFirst)? = newest["items"] else { return XCTFail("no items: \(newest)") }
        XCTAssertEqual(newestFirst.first?["subjectRef"]?.stringValue, "yesterday", "the default stays newest first")
        let wrong = try Self.coordination.request("GET", "/tasks?order=oldest", token: canton)
        XCTAssertEqual(wrong.status, 400)
        XCTAssertTrue(String(decoding: wrong.body, as: UTF8.self).contains("\"order\""), String(decoding: wrong.body, as: UTF8.self))
    }

    func testAHandoverOfACaseNeverRegisteredIsRejectedAndLeavesNoTrace() throws {
        let caseId = Identifier()
        let stray = try EventPublisher.envelope(handover(caseId, from: "canton:KSD", to: "municipality:4001", reason: .assignment),
                                                subject: caseId.description)
        XCTAssertThrowsError(try Self.coordination.apply(stray, topic: Topics.intake)) { error in
            XCTAssertTrue(String(describing: error).contains("never registered"), "\(error)")
        }
        XCTAssertEqual(try tasks(caseId, "", token: canton).count, 0)
        let remembered = try Self.coordination.host.pool.withConnection {
            try $0.query("SELECT count(*) AS n FROM inbox WHERE event_id = $1", [stray.id])[0].int("n")
        }
        XCTAssertEqual(remembered, 0, "the inbox row went with the rolled-back transaction, so a fixed event can still apply")
    }
}
