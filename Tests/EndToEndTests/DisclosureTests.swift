import Foundation
import IASHTTPClient
import TestSupport
import XCTest

/// What an answer discloses, and that the audit trail names it: lists and searches record every
/// case and person they returned with their filter; a conflict never hands another office's
/// identifiers to a caller who may not see that case, yet is audited with the record it
/// matched; and tasks follow responsibility across a handover.
final class DisclosureTests: StackTestCase {
    let canton = TestEnvironment.token(org: "canton:KSD", subject: "disclosure-ksd")
    let aarau = TestEnvironment.token(org: "municipality:4001", subject: "disclosure-4001")
    let baden = TestEnvironment.token(org: "municipality:4021", subject: "disclosure-4021")
    let auditor = TestEnvironment.token(org: "canton:DVI", roles: ["auditor"], subject: "disclosure-auditor")

    override class func startStack() -> TestStack { .running(["intake", "coordination"]) }

    private func intake() throws -> HTTPClient { try Self.stack.client("intake") }

    private func register(_ person: NewPerson) throws -> CaseAPI.Registered {
        try CaseWorker(stack: Self.stack, caseworker: canton).register(person)
    }

    /// The audit entries of a case (also those of lists that named it), once `matching` holds.
    private func auditEntries(caseId: String, within seconds: Double = 30,
                              matching: @escaping ([[String: Any]]) -> Bool) throws -> [[String: Any]] {
        let found = try eventually(within: seconds) { () -> [[String: Any]]? in
            let r = try Self.stack.client("coordination").json("GET", "/audit?caseId=\(caseId)&limit=200", token: self.auditor)
            guard r.status == 200 else { return nil }
            let items = try r.object()["items"] as? [[String: Any]] ?? []
            return matching(items) ? items : nil
        }
        return try XCTUnwrap(found, "the audit trail of \(caseId) never showed what was expected")
    }

    func testASearchRecordsEveryPersonItReturnedAndItsFilter() throws {
        let family = "Search-\(UUID().uuidString.prefix(8))"
        let first = try register(NewPerson.sample(familyName: family, accommodation: "municipal", responsibleOrg: "municipality:4001"))
        let second = try register(NewPerson.sample(givenName: "Yonas", familyName: family, accommodation: "municipal",
                                                  responsibleOrg: "municipality:4001"))
        let hidden = try register(NewPerson.sample(givenName: "Selam", familyName: family, accommodation: "municipal",
                                                  responsibleOrg: "municipality:4021"))
        let sub = "searcher-\(UUID().uuidString.prefix(6))"
        let search = try intake().json("GET", "/persons?familyName=\(family)", token: TestEnvironment.token(org: "municipality:4001", subject: sub))
        XCTAssertEqual(search.status, 200, search.text)
        XCTAssertTrue(search.text.contains(first.personId) && search.text.contains(second.personId))
        XCTAssertFalse(search.text.contains(hidden.personId), "another municipality's person is not in the answer")

        let entries = try auditEntries(caseId: second.caseId) { items in items.contains { ($0["subject"] as? String) == sub } }
        let entry = try XCTUnwrap(entries.first { ($0["subject"] as? String) == sub })
        XCTAssertEqual(entry["route"] as? String, "/persons")
        XCTAssertEqual(Set(entry["disclosedPersonIds"] as? [String] ?? []), [first.personId, second.personId])
        XCTAssertEqual(Set(entry["disclosedCaseIds"] as? [String] ?? []), [first.caseId, second.caseId])
        // That a name was searched is kept, the name itself never: the trail outlives the erasure.
        XCTAssertEqual((entry["query"] as? [String: String])?["familyName"], "withheld")
        XCTAssertFalse(String(describing: entry).contains(family), "the audit record keeps the searched name: \(entry)")
        // The person filter finds the same search; the person it did not return is not named.
        let byPerson = try Self.stack.client("coordination").json("GET", "/audit?personId=\(first.personId)&sub=\(sub)", token: auditor)
        XCTAssertEqual((try byPerson.object()["items"] as? [Any])?.count, 1)
        let notReturned = try Self.stack.client("coordination").json("GET", "/audit?caseId=\(hidden.caseId)&sub=\(sub)", token: auditor)
        XCTAssertEqual((try notReturned.object()["items"] as? [Any])?.count, 0)
    }

    /// A write's audit record commits with the write itself: exactly one record per answer,
    /// also for an Idempotency-Key replay, which names the same person.
    func testAWriteIsAuditedOnceInItsOwnTransactionAndAReplayNamesTheSameRecord() throws {
        let sub = "writer-\(UUID().uuidString.prefix(6))"
        let token = TestEnvironment.token(org: "canton:KSD", subject: sub)
        let body = NewPerson.sample(familyName: "Audited-\(UUID().uuidString.prefix(8))")
        let first = try intake().json("POST", "/persons", token: token, body: body, headers: ["Idempotency-Key": sub])
        XCTAssertEqual(first.status, 201, first.text)
        let replay = try intake().json("POST", "/persons", token: token, body: body, headers: ["Idempotency-Key": sub])
        XCTAssertEqual(replay.header("Idempotent-Replayed"), "true")
        let personId = try XCTUnwrap(try first.object()["personId"] as? String)
        let caseId = try XCTUnwrap(try first.object()["caseId"] as? String)
        let entries = try auditEntries(caseId: caseId) { items in items.filter { ($0["subject"] as? String) == sub }.count >= 2 }
            .filter { ($0["subject"] as? String) == sub }
        Thread.sleep(forTimeInterval: 1)   // a record written twice would have arrived by now
        let settled = try auditEntries(caseId: caseId) { _ in true }.filter { ($0["subject"] as? String) == sub }
        XCTAssertEqual(settled.count, 2, "one record per answer: \(settled)")
        XCTAssertEqual(entries.map { $0["status"] as? Int }, [201, 201])
        XCTAssertEqual(Set(settled.compactMap { $0["personId"] as? String }), [personId])
        XCTAssertEqual(Set(settled.compactMap { $0["action"] as? String }), ["write"])
    }

    func testAConflictTellsAnotherOfficeOnlyThatThePersonIsKnownAndWhomToAskAndIsAudited() throws {
        var body = NewPerson.sample(givenName: "Mohammed", familyName: "Known-\(UUID().uuidString.prefix(8))",
                                   accommodation: "municipal", responsibleOrg: "municipality:4001")
        body.dateOfBirth = "1987-11-23"
        let existing = try register(body)

        // The same ZEMIS number, registered by another municipality for itself.
        var again = body
        again.responsibleOrg = "municipality:4021"
        let sub = "conflict-\(UUID().uuidString.prefix(6))"
        let zemis = try intake().json("POST", "/persons", token: TestEnvironment.token(org: "municipality:4021", subject: sub), body: again)
        XCTAssertEqual(zemis.status, 409, zemis.text)
        let problem = try zemis.object()
        XCTAssertEqual(problem["contact"] as? String, "canton:KSD")
        XCTAssertNil(problem["existingPersonId"]); XCTAssertNil(problem["existingCaseId"])
        for secret in [existing.personId, existing.caseId, "1987-11-23"] {
            XCTAssertFalse(zemis.text.contains(secret), "the conflict discloses \(secret): \(zemis.text)")
        }
        // The responsible municipality is told which record it is.
        let own = try intake().json("POST", "/persons", token: aarau, body: body)
        XCTAssertEqual(own.status, 409)
        XCTAssertEqual(try own.object()["existingPersonId"] as? String, existing.personId)

        // A likely duplicate (same birth date, similar name, another ZEMIS number).
        var similar = again
        similar.givenName = "Muhammad"
        similar.zemisNumber = NewPerson.nextZemis()
        let likely = try intake().json("POST", "/persons", token: baden, body: similar)
        XCTAssertEqual(likely.status, 409, likely.text)
        let candidates = try likely.object()
        XCTAssertEqual((candidates["candidates"] as? [Any])?.count, 0)
        XCTAssertEqual(candidates["withheldCandidates"] as? Int, 1)
        XCTAssertEqual(candidates["contact"] as? String, "canton:KSD")
        for secret in [existing.personId, existing.caseId, "1987-11-23", "similarity", "Mohammed"] {
            XCTAssertFalse(likely.text.contains(secret), "the conflict discloses \(secret): \(likely.text)")
        }
        // The canton sees the candidate in full.
        let forCanton = try intake().json("POST", "/persons", token: canton, body: similar)
        XCTAssertEqual(forCanton.status, 409)
        XCTAssertTrue(forCanton.text.contains(existing.personId))

        // An allocation list of another municipality: the duplicate row names no one.
        let list = try intake().json("POST", "/allocation-lists", token: baden, body: [
            "listRef": "DISCLOSE-\(UUID().uuidString.prefix(6))", "allocatedOn": "2026-11-20", "persons": [again],
        ])
        XCTAssertEqual(list.status, 200, list.text)
        let row = try XCTUnwrap((try list.object()["rows"] as? [[String: Any]])?.first)
        XCTAssertEqual(row["outcome"] as? String, "duplicate")
        XCTAssertNil(row["personId"]); XCTAssertNil(row["caseId"])
        XCTAssertEqual(row["contact"] as? String, "canton:KSD")
        XCTAssertFalse(list.text.contains(existing.personId))

        // The refused registration is audited with the record it matched.
        let entries = try auditEntries(caseId: existing.caseId) { items in items.contains { ($0["subject"] as? String) == sub } }
        let entry = try XCTUnwrap(entries.first { ($0["subject"] as? String) == sub })
        XCTAssertEqual(entry["status"] as? Int, 409)
        XCTAssertEqual(entry["route"] as? String, "/persons")
        XCTAssertEqual(entry["personId"] as? String, existing.personId)
    }

    func testAfterAHandoverThePreviousMunicipalityNoLongerListsTheCasesTasks() throws {
        let person = try register(NewPerson.sample(familyName: "Tasks-\(UUID().uuidString.prefix(8))"))
        let coordination = try Self.stack.client("coordination")
        func tasks(_ token: String) throws -> [[String: Any]] {
            let r = try coordination.json("GET", "/tasks?limit=200", token: token)
            XCTAssertEqual(r.status, 200, r.text)
            return (try r.object()["items"] as? [[String: Any]] ?? []).filter { ($0["caseId"] as? String) == person.caseId }
        }
        func transfer(to org: String, reason: String, token: String) throws {
            let r = try intake().json("POST", "/persons/\(person.personId)/responsibility", token: token,
                                      body: ["toOrg": org, "effectiveOn": "2026-11-20", "reason": reason])
            XCTAssertEqual(r.status, 200, r.text)
        }
        try transfer(to: "municipality:4001", reason: "assignment", token: canton)
        let handover = try XCTUnwrap(try eventually(within: 20) { try tasks(self.aarau).first }, "no task for 4001")
        let taskId = try XCTUnwrap(handover["taskId"] as? String)
        let done = try coordination.json("POST", "/tasks/\(taskId)/completion", token: aarau, body: ["outcome": "taken_over"])
        XCTAssertEqual(done.status, 200, done.text)

        try transfer(to: "municipality:4021", reason: "relocation", token: aarau)
        XCTAssertNotNil(try eventually(within: 20) { try tasks(self.baden).isEmpty ? nil : true }, "no task for 4021")
        XCTAssertEqual(try tasks(aarau).count, 0, "the previous municipality still lists the case's tasks")
        let filtered = try coordination.json("GET", "/tasks?org=municipality:4001&status=done&limit=200", token: aarau)
        XCTAssertFalse(filtered.text.contains(person.caseId))
        let newTask = try XCTUnwrap(try tasks(baden).first?["taskId"] as? String)
        XCTAssertEqual(try coordination.json("POST", "/tasks/\(newTask)/completion", token: aarau, body: ["outcome": "taken_over"]).status, 403)
        XCTAssertGreaterThanOrEqual(try tasks(canton).count, 2, "the canton keeps seeing every task of the case")
    }
}
