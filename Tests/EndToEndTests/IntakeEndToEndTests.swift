import Foundation
import IASHTTPClient
import TestSupport
import XCTest

/// Intake through the running service: duplicates, corrections with If-Match, regularisation,
/// handovers with their access rules, closure and the automatic closure after 7 years.
final class IntakeEndToEndTests: StackTestCase {
    let canton = TestEnvironment.token(org: "canton:KSD")
    let aarau = TestEnvironment.token(org: "municipality:4001")
    let baden = TestEnvironment.token(org: "municipality:4021")

    override class func startStack() -> TestStack {
        .running(["intake"], extraEnvironment: ["intake": ["IAS_AUTO_CLOSURE_INTERVAL_SECONDS": "1"]], warmUp: false)
    }

    func client() throws -> HTTPClient { try Self.stack.client("intake") }

    /// A birth date no other test uses, so that duplicate detection only sees this test's persons.
    func uniqueBirthDate() -> String {
        String(format: "%04d-%02d-%02d", Int.random(in: 1940...1999), Int.random(in: 1...12), Int.random(in: 1...28))
    }

    /// `person` registered by the canton: its person and case.
    func register(_ person: NewPerson) throws -> CaseAPI.Registered {
        try CaseWorker(stack: Self.stack, caseworker: canton).register(person)
    }

    func testASimilarNameWithTheSameBirthDateIsAConflictWithCandidatesUnlessOverridden() throws {
        let born = uniqueBirthDate()
        var first = NewPerson.sample(givenName: "Mohammed", familyName: "Ahmadi")
        first.dateOfBirth = born
        let existing = try register(first)

        var second = NewPerson.sample(givenName: "Muhammad", familyName: "Ahmadi")
        second.dateOfBirth = born
        let conflict = try client().json("POST", "/persons", token: canton, body: second)
        XCTAssertEqual(conflict.status, 409, conflict.text)
        let candidates = try XCTUnwrap(try conflict.object()["candidates"] as? [[String: Any]])
        let candidate = try XCTUnwrap(candidates.first { ($0["personId"] as? String) == existing.personId })
        XCTAssertEqual(candidate["caseId"] as? String, existing.caseId)
        XCTAssertEqual(candidate["familyName"] as? String, "Ahmadi")
        XCTAssertEqual(candidate["dateOfBirth"] as? String, born)
        XCTAssertGreaterThan(candidate["similarity"] as? Double ?? 0, 0.8)

        // Another birth date: no conflict for the same name.
        var other = second
        other.dateOfBirth = uniqueBirthDate()
        other.zemisNumber = NewPerson.nextZemis()
        XCTAssertEqual(try client().json("POST", "/persons", token: canton, body: other).status, 201)

        second.duplicateOverride = .init(reason: "twin brother, confirmed by SEM")
        // The registration's own answer carries the reason: read as it comes.
        let overridden = try client().json("POST", "/persons", token: canton, body: second)
        XCTAssertEqual(overridden.status, 201, overridden.text)
        let registered = try overridden.object()
        XCTAssertEqual(registered["duplicateOverrideReason"] as? String, "twin brother, confirmed by SEM")
        let read = try client().json("GET", "/persons/\(registered["personId"] ?? "")", token: canton)
        XCTAssertEqual(try read.object()["duplicateOverrideReason"] as? String, "twin brother, confirmed by SEM")
    }

    func testCorrectionsNeedTheCurrentETagAndCountTheVersion() throws {
        let person = try register(NewPerson.sample())
        let path = "/persons/\(person.personId)"
        let missing = try client().json("PATCH", path, token: canton, body: ["familyName": "Haile"])
        XCTAssertEqual(missing.status, 428, missing.text)
        let corrected = try client().json("PATCH", path, token: canton, body: ["familyName": "Haile", "languages": ["ti"]],
                                          headers: ["If-Match": "\"1\""])
        XCTAssertEqual(corrected.status, 200, corrected.text)
        XCTAssertEqual(corrected.headers["etag"], "\"2\"")
        XCTAssertEqual(try corrected.object()["familyName"] as? String, "Haile")
        let stale = try client().json("PATCH", path, token: canton, body: ["givenName": "Selam"], headers: ["If-Match": "\"1\""])
        XCTAssertEqual(stale.status, 409, stale.text)
        let invalid = try client().json("PATCH", path, token: canton, body: ["dateOfBirth": "2099-01-01", "nationality": "eritrea"],
                                        headers: ["If-Match": "\"2\""])
        XCTAssertEqual(invalid.status, 400)
        let fields = Set((try invalid.object()["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String })
        XCTAssertTrue(fields.isSuperset(of: ["dateOfBirth", "nationality"]), "\(fields)")
        XCTAssertEqual(try client().json("GET", path, token: canton).headers["etag"], "\"2\"")
    }

    func testRegularisationOnlyFromStatusN() throws {
        let seeker = try register(NewPerson.sample(status: "N"))
        let path = "/persons/\(seeker.personId)/regularization"
        XCTAssertEqual(try client().json("POST", path, token: canton, body: ["status": "N", "decidedOn": "2026-10-01"]).status, 400)
        let done = try client().json("POST", path, token: canton, body: ["status": "FL", "decidedOn": "2026-10-01"])
        XCTAssertEqual(done.status, 200, done.text)
        XCTAssertEqual(try done.object()["status"] as? String, "FL")
        XCTAssertEqual(try done.object()["statusDecidedOn"] as? String, "2026-10-01")
        XCTAssertEqual(try client().json("POST", path, token: canton, body: ["status": "VA", "decidedOn": "2026-10-02"]).status, 409)
    }

    func testHandoversMoveAccessAndFollowTheRulesOfTheirReason() throws {
        let sample = NewPerson.sample()
        let person = try register(sample)
        let personPath = "/persons/\(person.personId)"
        let path = personPath + "/responsibility"
        func transfer(_ to: String, _ reason: String, _ token: String) throws -> HTTPClientResponse {
            try client().json("POST", path, token: token, body: ["toOrg": to, "effectiveOn": "2026-11-01", "reason": reason])
        }
        XCTAssertEqual(try client().json("GET", personPath, token: aarau).status, 403)
        XCTAssertEqual(try transfer("municipality:4001", "relocation", canton).status, 422, "canton to municipality is an assignment")
        XCTAssertEqual(try transfer("municipality:4001", "assignment", aarau).status, 403, "not yet responsible")
        XCTAssertEqual(try transfer("canton:KSD", "assignment", canton).status, 409, "already with the canton")
        XCTAssertEqual(try transfer("nowhere", "assignment", canton).status, 400)

        let assigned = try transfer("municipality:4001", "assignment", canton)
        XCTAssertEqual(assigned.status, 200, assigned.text)
        XCTAssertEqual(try assigned.object()["responsibleOrg"] as? String, "municipality:4001")
        XCTAssertEqual(try client().json("GET", personPath, token: aarau).status, 200, "the receiving municipality gains access at once")
        let listed = try client().json("GET", "/persons?familyName=\(sample.familyName)", token: aarau)
        XCTAssertEqual((try listed.object()["items"] as? [Any])?.count, 1)

        XCTAssertEqual(try transfer("municipality:4001", "relocation", aarau).status, 409)
        XCTAssertEqual(try transfer("delegate:caritas:4021", "delegation", aarau).status, 422, "a delegate of another municipality")
        XCTAssertEqual(try transfer("delegate:caritas:4001", "delegation", aarau).status, 200)
        XCTAssertEqual(try client().json("GET", personPath, token: TestEnvironment.token(org: "delegate:caritas:4001")).status, 200)
        XCTAssertEqual(try transfer("municipality:4021", "relocation", TestEnvironment.token(org: "delegate:caritas:4001")).status, 403,
                       "a delegate does the work but does not give the case away")
        XCTAssertEqual(try transfer("municipality:4021", "relocation", aarau).status, 200)
        XCTAssertEqual(try client().json("GET", personPath, token: aarau).status, 403, "the previous municipality loses access")
        XCTAssertEqual(try client().json("GET", personPath, token: baden).status, 200)

        let history = try client().json("GET", path, token: baden)
        XCTAssertEqual(history.status, 200, history.text)
        let moves = (try history.object()["items"] as? [[String: Any]] ?? []).map { "\($0["fromOrg"]!)>\($0["toOrg"]!):\($0["reason"]!)" }
        XCTAssertEqual(moves, ["canton:KSD>municipality:4001:assignment", "municipality:4001>delegate:caritas:4001:delegation",
                               "delegate:caritas:4001>municipality:4021:relocation"])
    }

    func testAClosedCaseRefusesFurtherChanges() throws {
        let person = try register(NewPerson.sample(status: "N"))
        let path = "/persons/\(person.personId)"
        XCTAssertEqual(try client().json("POST", path + "/closure", token: canton,
                                         body: ["reason": "left_canton", "closedOn": "2026-11-01", "outcome": "other"]).status, 400,
                       "an outcome only for reason integrated")
        let closed = try client().json("POST", path + "/closure", token: canton, body: ["reason": "left_canton", "closedOn": "2026-11-01"])
        XCTAssertEqual(closed.status, 200, closed.text)
        XCTAssertEqual(try closed.object()["closureReason"] as? String, "left_canton")
        XCTAssertEqual(try client().json("POST", path + "/closure", token: canton, body: ["reason": "other", "closedOn": "2026-11-02"]).status, 409)
        XCTAssertEqual(try client().json("POST", path + "/regularization", token: canton, body: ["status": "VA", "decidedOn": "2026-11-02"]).status, 409)
        XCTAssertEqual(try client().json("PATCH", path, token: canton, body: ["givenName": "X"], headers: ["If-Match": "\"2\""]).status, 409)
        XCTAssertEqual(try client().json("POST", path + "/responsibility", token: canton,
                                         body: ["toOrg": "municipality:4001", "effectiveOn": "2026-11-02", "reason": "assignment"]).status, 409)
    }

    func testCasesAreClosedAutomaticallySevenYearsAfterEntry() throws {
        var old = NewPerson.sample()
        old.dateOfBirth = uniqueBirthDate()
        old.enteredCantonOn = "2018-03-15"
        old.statusDecidedOn = "2018-02-01"
        let person = try register(old)
        let recent = try register(NewPerson.sample())
        let closed = try eventually(within: 10) { () -> [String: Any]? in
            let p = try self.client().json("GET", "/persons/\(person.personId)", token: self.canton).object()
            return p["closedOn"] != nil ? p : nil
        }
        let found = try XCTUnwrap(closed, "the case was not closed automatically")
        XCTAssertEqual(found["closureReason"] as? String, "max_duration")
        XCTAssertEqual(found["closedOn"] as? String, "2025-03-15")
        let stillOpen = try client().json("GET", "/persons/\(recent.personId)", token: canton).object()
        XCTAssertNil(stillOpen["closedOn"])
    }

    func testAHouseholdShowsTheMembersTheCallerMaySee() throws {
        let household = UUID().uuidString.lowercased()
        var father = NewPerson.sample(givenName: "Tesfaye")
        father.householdId = household
        father.dateOfBirth = "1980-01-01"
        var daughter = NewPerson.sample(givenName: "Lula")
        daughter.householdId = household
        daughter.dateOfBirth = "2020-05-05"
        let f = try register(father)
        _ = try register(daughter)
        XCTAssertEqual(try client().json("POST", "/persons/\(f.personId)/responsibility", token: canton,
                                         body: ["toOrg": "municipality:4001", "effectiveOn": "2026-11-01", "reason": "assignment"]).status, 200)
        let all = try client().json("GET", "/households/\(household)", token: canton)
        XCTAssertEqual((try all.object()["items"] as? [Any])?.count, 2, all.text)
        let visible = try client().json("GET", "/households/\(household)", token: aarau)
        let members = try visible.object()["items"] as? [[String: Any]] ?? []
        XCTAssertEqual(members.map { $0["givenName"] as? String }, ["Tesfaye"])
        XCTAssertEqual(try client().json("GET", "/households/\(household)", token: baden).status, 404)
        let paged = try client().json("GET", "/households/\(household)?limit=1", token: canton).object()
        XCTAssertNotNil(paged["nextCursor"] as? String)
    }
}
