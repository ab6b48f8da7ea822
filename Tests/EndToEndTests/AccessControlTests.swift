import Foundation
import IASAuth
import IASTokenSigning
import IASRuntime
import IASHTTPClient
import TestSupport
import XCTest

/// Who may see what, through the running services: every kind of organisation against every
/// endpoint group, on a case it is responsible for and on another one's; tokens that must be
/// refused; and the audit trail of every read.
final class AccessControlTests: StackTestCase {
    let canton = TestEnvironment.token(org: "canton:KSD")

    override class func startStack() -> TestStack { .running(TestStack.suite) }

    typealias Case = CaseAPI.Registered

    private func register(for org: String) throws -> Case {
        try CaseWorker(stack: Self.stack, caseworker: canton).register(.sample(status: "VA", accommodation: "municipal", responsibleOrg: org))
    }

    /// The endpoint groups: one read per service that holds personal data of a case.
    private func endpoints(_ c: Case) -> [(service: String, path: String)] {
        [("intake", "/persons/\(c.personId)"), ("assessment", "/cases/\(c.caseId)/assessments"),
         ("plan", "/cases/\(c.caseId)/plan"), ("costs", "/cases/\(c.caseId)/budget"),
         ("coordination", "/cases/\(c.caseId)/dossier"), ("coordination", "/cases/\(c.caseId)/consents")]
    }

    private func status(_ service: String, _ path: String, _ token: String) throws -> Int {
        try Self.stack.client(service).json("GET", path, token: token).status
    }

    /// Waits until every service knows the case (they learn it from intake's events).
    private func waitUntilKnown(_ c: Case) throws {
        for (service, path) in endpoints(c) {
            let known = try eventually(within: 20) { () -> Bool? in
                let s = try self.status(service, path, self.canton)
                return s == 200 || (service == "plan" && s != 404) ? true : nil
            }
            if service != "plan" { XCTAssertNotNil(known, "\(service) never learnt of the case") }
        }
    }

    func testEveryOrganisationKindAgainstEveryEndpointGroupOnOwnAndOthersCases() throws {
        let own = try register(for: "municipality:4001")
        let others = try register(for: "municipality:4021")
        try waitUntilKnown(own)
        try waitUntilKnown(others)

        // Expected answer per organisation: on a case of municipality 4001, on one of 4021.
        let matrix: [(org: String, own: Int, others: Int)] = [
            ("canton:KSD", 200, 200), ("canton:DVI", 200, 200),
            ("canton:AWA", 403, 403), ("canton:BKS", 403, 403),
            ("municipality:4001", 200, 403), ("delegate:caritas:4001", 200, 403),
            ("municipality:4021", 403, 200), ("partner:RAV", 403, 403),
        ]
        for row in matrix {
            let token = TestEnvironment.token(org: row.org)
            for (service, path) in endpoints(own) where service != "plan" {
                XCTAssertEqual(try status(service, path, token), row.own, "\(row.org) GET \(service)\(path) on its own case")
            }
            for (service, path) in endpoints(others) where service != "plan" {
                XCTAssertEqual(try status(service, path, token), row.others, "\(row.org) GET \(service)\(path) on another's case")
            }
        }
        // An unknown case is 404 for everyone allowed to ask.
        let unknown = UUID().uuidString.lowercased()
        XCTAssertEqual(try status("coordination", "/cases/\(unknown)/dossier", canton), 404)
        XCTAssertEqual(try status("costs", "/cases/\(unknown)/budget", canton), 404)
        // Operational endpoints need no token and hold no personal data.
        for service in ["intake", "assessment", "plan", "costs", "coordination"] {
            XCTAssertEqual(try Self.stack.client(service).request("GET", "/healthz").status, 200)
        }
    }

    func testAccessMovesWithAHandoverInEveryService() throws {
        let c = try register(for: "municipality:4001")
        try waitUntilKnown(c)
        let aarau = TestEnvironment.token(org: "municipality:4001")
        let baden = TestEnvironment.token(org: "municipality:4021")
        let moved = try Self.stack.client("intake").json("POST", "/persons/\(c.personId)/responsibility", token: aarau,
                                                          body: ["toOrg": "municipality:4021", "effectiveOn": "2026-11-01", "reason": "relocation"])
        XCTAssertEqual(moved.status, 200, moved.text)
        for (service, path) in endpoints(c) where service != "plan" {
            let settled = try eventually(within: 20) { () -> Bool? in
                try self.status(service, path, aarau) == 403 && self.status(service, path, baden) == 200 ? true : nil
            }
            XCTAssertNotNil(settled, "\(service): access did not move from 4001 to 4021 after the handover")
        }
    }

    func testRefusedTokensAre401AndChangeNothing() throws {
        let keys = try JWTKeySet.parse(TestEnvironment.jwtSecret)
        let signer = JWTSigner(keys: keys)
        let wrongSigner = JWTSigner(keys: try JWTKeySet.parse("a-completely-different-secret-0123456789-xyz"))
        let now = Date().timeIntervalSince1970
        // iat ten minutes before exp: each token is refused for the reason its name gives, not
        // for a missing iat or its lifetime.
        func claims(exp: Double = now + 600, nbf: Double? = nil) -> [String: JSONValue] {
            var c: [String: JSONValue] = ["sub": .string("mallory"), "org": .string("canton:KSD"),
                                          "roles": .array([.string("caseworker")]), "exp": .number(exp), "iat": .number(exp - 600)]
            if let nbf { c["nbf"] = .number(nbf) }
            return c
        }
        let hs256: [String: JSONValue] = ["alg": .string("HS256"), "typ": .string("JWT")]
        let valid = try signer.sign(header: hs256, claims: claims(), keyId: nil)
        let parts = valid.split(separator: ".")
        let refused: [(String, String?)] = [
            ("missing", nil),
            ("malformed", "Bearer not-a-jwt"),
            ("wrong signature", "Bearer " + (try wrongSigner.sign(header: hs256, claims: claims(), keyId: nil))),
            ("alg none", "Bearer " + Base64URL.encode(Array(#"{"alg":"none","typ":"JWT"}"#.utf8)) + "." + parts[1] + "."),
            ("alg HS512", "Bearer " + (try signer.sign(header: ["alg": .string("HS512")], claims: claims(), keyId: nil))),
            ("expired", "Bearer " + (try signer.sign(header: hs256, claims: claims(exp: now - 3600), keyId: nil))),
            ("not yet valid", "Bearer " + (try signer.sign(header: hs256, claims: claims(nbf: now + 3600), keyId: nil))),
            ("tampered claims", "Bearer " + parts[0] + "." + Base64URL.encode(Array(#"{"sub":"x","org":"canton:KSD","roles":["admin"],"exp":9999999999}"#.utf8)) + "." + parts[2]),
        ]
        let familyName = "Refused-\(UUID().uuidString.prefix(8))"
        for (name, header) in refused {
            var headers: [String: String] = ["Content-Type": "application/json"]
            if let header { headers["Authorization"] = header }
            let body = try TestJSON.bytes(NewPerson.sample(familyName: familyName))
            let r = try Self.stack.client("intake").request("POST", "/persons", headers: headers, body: body)
            XCTAssertEqual(r.status, 401, "\(name): \(r.text)")
            XCTAssertEqual(r.headers["www-authenticate"]?.hasPrefix("Bearer"), true, name)
            XCTAssertFalse(r.text.contains("secret"), "\(name): the answer must not talk about keys")
        }
        let search = try Self.stack.client("intake").json("GET", "/persons?familyName=\(familyName)", token: canton)
        XCTAssertEqual((try search.object()["items"] as? [Any])?.count, 0, "a refused request changed something")
    }

    func testEveryReadOfADossierIsInTheAuditTrailAlsoWhenCoordinationIsKilledRightAfterAnswering() throws {
        let c = try register(for: "municipality:4001")
        try waitUntilKnown(c)
        let readers = ["canton:KSD", "canton:DVI", "municipality:4001", "municipality:4021", "delegate:caritas:4001"]
        var expected: [(sub: String, status: Int)] = []
        for (index, org) in readers.enumerated() {
            let sub = "reader-\(index)-\(UUID().uuidString.prefix(6))"
            let r = try Self.stack.client("coordination").json("GET", "/cases/\(c.caseId)/dossier",
                                                               token: TestEnvironment.token(org: org, subject: sub))
            expected.append((sub, r.status))
        }
        // The last read, then a crash right after the answer.
        let lastSub = "reader-killed-\(UUID().uuidString.prefix(6))"
        let last = try Self.stack.client("coordination").json("GET", "/cases/\(c.caseId)/dossier",
                                                              token: TestEnvironment.token(org: "canton:KSD", subject: lastSub))
        Self.stack["coordination"].kill9()
        expected.append((lastSub, last.status))
        try Self.stack["coordination"].start()
        try Self.stack["coordination"].waitUntilReady()

        let auditor = TestEnvironment.token(org: "canton:KSD", roles: ["auditor"], subject: "auditor-1")
        XCTAssertEqual(try status("coordination", "/audit?caseId=\(c.caseId)", canton), 403, "only auditors read the trail")
        let entries = try eventually(within: 30) { () -> [[String: Any]]? in
            let r = try Self.stack.client("coordination").json("GET", "/audit?caseId=\(c.caseId)&limit=200", token: auditor)
            guard r.status == 200 else { return nil }
            let items = try r.object()["items"] as? [[String: Any]] ?? []
            let reads = items.filter { ($0["route"] as? String) == "/cases/{caseId}/dossier" }
            return expected.allSatisfy { e in reads.contains { ($0["subject"] as? String) == e.sub } } ? reads : nil
        }
        let reads = try XCTUnwrap(entries, "not every dossier read reached the audit trail")
        for e in expected {
            let entry = reads.first { ($0["subject"] as? String) == e.sub }
            XCTAssertEqual(entry?["status"] as? Int, e.status, "the trail records the outcome of \(e.sub)'s read")
        }
        XCTAssertTrue(expected.contains { $0.status == 403 }, "refused reads are recorded too")
        // Per user and per time range.
        let bySubject = try Self.stack.client("coordination").json("GET", "/audit?sub=\(lastSub)", token: auditor)
        XCTAssertEqual((try bySubject.object()["items"] as? [Any])?.count, 1)
        let future = try Self.stack.client("coordination").json("GET", "/audit?caseId=\(c.caseId)&from=2999-01-01T00:00:00Z", token: auditor)
        XCTAssertEqual((try future.object()["items"] as? [Any])?.count, 0)
    }
    /// Records of concurrent reads are committed together: none may be lost or merged, and
    /// each carries its own reader and outcome.
    func testConcurrentReadsAreEachInTheAuditTrail() throws {
        let c = try register(for: "municipality:4001")
        try waitUntilKnown(c)
        let run = UUID().uuidString.prefix(6)
        let orgs = ["canton:KSD", "municipality:4001", "municipality:4021"]   // the last one is refused
        let statuses = Locked<[String: Int]>([:])
        DispatchQueue.concurrentPerform(iterations: 48) { i in
            let sub = "burst-\(run)-\(i)"
            let r = try? Self.stack.client("coordination").json("GET", "/cases/\(c.caseId)/dossier",
                                                                token: TestEnvironment.token(org: orgs[i % orgs.count], subject: sub))
            statuses.withLock { $0[sub] = r?.status ?? -1 }
        }
        let expected = statuses.current
        XCTAssertEqual(Set(expected.values), [200, 403], "\(expected)")
        let auditor = TestEnvironment.token(org: "canton:KSD", roles: ["auditor"], subject: "auditor-burst")
        let reads = try eventually(within: 30) { () -> [[String: Any]]? in
            let r = try Self.stack.client("coordination").json("GET", "/audit?caseId=\(c.caseId)&limit=200", token: auditor)
            guard r.status == 200 else { return nil }
            let items = (try r.object()["items"] as? [[String: Any]] ?? []).filter { ($0["subject"] as? String)?.hasPrefix("burst-\(run)-") == true }
            return items.count >= expected.count ? items : nil
        }
        let entries = try XCTUnwrap(reads, "not every concurrent read reached the audit trail")
        XCTAssertEqual(entries.count, expected.count, "one record per read, none twice")
        for entry in entries {
            let sub = entry["subject"] as? String ?? ""
            XCTAssertEqual(entry["status"] as? Int, expected[sub], "the record of \(sub) carries its own outcome")
        }
        XCTAssertEqual(Set(entries.compactMap { $0["requestId"] as? String }).count, expected.count, "each record has its own request id")
    }
}
