import Foundation
import IASHTTPClient
import IASPostgres
import IASRuntime
import TestSupport
import XCTest

/// A closed case passes its retention date and is erased in all five services: afterwards no
/// answer and no database of the suite yields its name, birth date or ZEMIS number, its
/// document cannot be downloaded, the indicators of its cohort are unchanged, and the
/// housekeeping kinds deleted what was older than their rule, counted in the metrics.
///
/// The suite runs twice on databases of its own (the other classes' cases are never due here):
/// first with the bundled rules (ten years after closure), where the case is lived and closed;
/// then with a canton's rules file that makes every closed case due at once and the job run
/// every second — the retention date set by configuration.
///
/// Its consumer groups are its own too (a suffix, starting at the end of each topic): the
/// other classes' groups keep reading into their databases, so no event of theirs lands here,
/// and none of this class's case keys is taken here while their groups take the case's events.
final class RetentionEndToEndTests: XCTestCase {
    let canton = TestEnvironment.token(org: "canton:KSD")
    nonisolated(unsafe) static var databases: [String: String] = [:]
    static let groupSuffix = TestBroker.unique("retention")

    override class func setUp() {
        super.setUp()
        do {
            for service in TestStack.suite {
                // Owned by the service's owner role, as deploy/postgres makes the service databases;
                // the service runs as its runtime role, granted by the owner after the migrations.
                databases[service] = try TestDatabase.create("ias_retention_\(service)", owner: "ias_\(service)_owner")
            }
        } catch { fatalError("the databases of the retention test were not made: \(error)") }
    }

    private func environment(_ extra: [String: String]) throws -> [String: [String: String]] {
        Dictionary(uniqueKeysWithValues: try TestStack.suite.map { service in
            (service, try TestEnvironment.databaseEnvironment(service, database: Self.databases[service]!)
                .merging(["IAS_CONSUMER_GROUP_SUFFIX": Self.groupSuffix, "IAS_CONSUMER_NEW_GROUP_START": "end"]) { $1 }
                .merging(extra) { $1 })
        })
    }

    private func query<T>(_ service: String, _ body: (PostgresConnection) throws -> T) throws -> T {
        try TestDatabase.withConnection(to: Self.databases[service]!, body)
    }

    private func count(_ service: String, _ sql: String, _ parameters: [any PostgresBindable] = []) throws -> Int {
        try query(service) { try $0.query(sql, parameters)[0].int("n") }
    }

    func testAClosedCaseIsErasedEverywhereAtTheEndOfItsRetentionAndTheIndicatorsStay() throws {
        // MARK: A case lived and closed under the bundled rules
        var stack = TestStack.running(TestStack.suite, extraEnvironment: try environment(["IAS_RETENTION_INTERVAL_SECONDS": "1"]))
        defer { stack.stop() }
        var worker = CaseWorker(stack: stack, caseworker: canton)
        let today = worker.today
        var erased = NewPerson.sample(givenName: "Retentia", familyName: "Vergessen-\(UUID().uuidString.prefix(8))")
        erased.dateOfBirth = "1987-11-23"
        // A cohort of its own (no other class enters persons in 2021), whose language horizon (3 years) has
        // passed and whose labour-market horizon (7 years) lies ahead: both kinds of contribution.
        erased.enteredCantonOn = "2021-03-01"
        let zemis = try XCTUnwrap(erased.zemisNumber)
        var kept = NewPerson.sample(familyName: "Bleibt-\(UUID().uuidString.prefix(8))", dateOfBirth: "1992-02-14")
        kept.enteredCantonOn = "2021-03-01"

        let a = try worker.register(erased)
        // The other case is registered with an Idempotency-Key: its stored answer is a housekeeping record.
        let registeredKept = try stack.client("intake").json("POST", "/persons", token: canton, body: kept,
                                                             headers: [("Idempotency-Key", "retention-\(UUID().uuidString)")])
        XCTAssertEqual(registeredKept.status, 201, registeredKept.text)
        let b = try registeredKept.object()
        let keptCase = try XCTUnwrap(b["caseId"] as? String), keptPerson = try XCTUnwrap(b["personId"] as? String)

        _ = try worker.assess(a.caseId, Assessment(level: "A2", schoolYears: 10, vocationalYears: 3))
        let measureId = try CaseWorker.measureId("AMIPLUS", in: try worker.plan(of: a.caseId, containing: ["AMIPLUS"]))
        let approvalId = try worker.requestApproval(a.caseId, measureId: measureId, amount: 600_000)
        try worker.decide(approvalId)
        try worker.giveConsent(a.caseId, partner: "partner:RAV")
        let documentId = try worker.addDocument(a.caseId, SampleDocuments.pdf(size: 40_000), category: "cv", title: "Lebenslauf")
        let coordination = try stack.client("coordination")
        let download = "/cases/\(a.caseId)/documents/\(documentId)/content"
        XCTAssertEqual(try coordination.request("GET", download, headers: ["Authorization": "Bearer \(canton)"]).status, 200)

        let closed = try stack.client("intake").json("POST", "/persons/\(a.personId)/closure", token: canton,
                                                     body: ["reason": "integrated", "closedOn": today, "outcome": "first_labour_market"])
        XCTAssertEqual(closed.status, 200, closed.text)
        try worker.dossier(a.caseId, within: 30) { $0["closure"] is [String: Any] }
        for service in ["assessment", "plan", "costs", "coordination"] {
            let cases = service == "coordination" ? "cases" : "case_registry"   // the dossier is coordination's registry
            let known = try eventually(within: 30) { () -> Bool? in
                try self.count(service, "SELECT count(*) AS n FROM \(cases) WHERE case_id = $1::uuid AND closed_on IS NOT NULL", [a.caseId]) == 1
                    ? true : nil
            }
            XCTAssertNotNil(known, "\(service) did not learn of the closure")
        }
        XCTAssertEqual(try count("coordination", "SELECT count(*) AS n FROM erased_cases"), 0, "nothing is due under the bundled rules")

        // The personal data travels sealed: intake's registration on the topic names nobody, and where it
        // is needed it is opened with the case's key, which every service holds.
        let dossierBefore = try worker.dossier(a.caseId)
        XCTAssertTrue("\(dossierBefore)".contains(erased.familyName), "the dossier shows the name: \(dossierBefore)")
        let registration = try XCTUnwrap(try TestBroker.first(in: "ias.intake.v1") { message in
            let text = String(decoding: message.value, as: UTF8.self)
            return text.contains(a.caseId) && text.contains("intake.PersonRegistered")
        }, "the registration of the case on ias.intake.v1")
        let registrationText = String(decoding: registration.value, as: UTF8.self)
        XCTAssertTrue(registrationText.contains(#""dataversion":2"#), registrationText)
        for personal in [erased.familyName, erased.givenName, zemis, erased.dateOfBirth] {
            XCTAssertFalse(registrationText.contains(personal), "\(personal) is readable on the topic: \(registrationText)")
        }
        for service in TestStack.suite {
            let held = try eventually(within: 30) { () -> Bool? in
                try self.count(service, "SELECT count(*) AS n FROM case_event_keys WHERE case_id = $1::uuid AND wrapped_key IS NOT NULL",
                               [a.caseId]) == 1 ? true : nil
            }
            XCTAssertNotNil(held, "\(service) holds the key of the case's events")
        }

        let indicators = "/reports/ias-indicators?entryYear=2021&asOf=\(today)"
        let before = try coordination.json("GET", indicators, token: canton)
        XCTAssertEqual(before.status, 200, before.text)
        let beforeFigures = try before.object()
        XCTAssertEqual(beforeFigures["cohortSize"] as? Int, 2, "the erased and the kept one: \(before.text)")
        let figures = (beforeFigures["indicators"] as? [[String: Any]] ?? []).reduce(into: [Int: [String: Any]]()) { $0[$1["id"] as? Int ?? 0] = $1 }
        XCTAssertEqual(figures[1]?["denominator"] as? Int, 2, "both count for the language indicator, whose horizon has passed")
        XCTAssertEqual((figures[4]?["partial"] as? [String: Any])?["numerator"] as? Int, 1, "the erased case reached the labour market")

        for service in ["intake", "coordination"] {
            XCTAssertGreaterThan(try count(service, "SELECT count(*) AS n FROM outbox WHERE published_at IS NOT NULL"), 0, service)
        }
        XCTAssertGreaterThan(try count("coordination", "SELECT count(*) AS n FROM inbox"), 0)
        XCTAssertGreaterThan(try count("intake", "SELECT count(*) AS n FROM idempotency_keys"), 0)
        stack.stop()

        // MARK: The retention date passes: a canton's rules make closed cases due at once
        let rules = try rulesFile(caseData: "P0D", housekeeping: "PT1S")
        defer { try? FileManager.default.removeItem(atPath: rules) }
        stack = TestStack.running(TestStack.suite, extraEnvironment: try environment([
            "IAS_RETENTION_RULES_FILE": rules, "IAS_RETENTION_INTERVAL_SECONDS": "1"]), warmUp: false)
        worker = CaseWorker(stack: stack, caseworker: canton)
        for service in TestStack.suite {
            let done = try eventually(within: 60, every: 0.25) { () -> Bool? in
                try self.count(service, "SELECT count(*) AS n FROM erased_cases WHERE case_id = $1::uuid", [a.caseId]) == 1 ? true : nil
            }
            XCTAssertNotNil(done, "\(service) did not erase the case")
        }

        // No table of any service holds the person (the audit trail, kept under its own rule, is the audit part's);
        // looked at before the requests below, whose own audit records name the case id for a while.
        for service in TestStack.suite {
            for needle in [erased.familyName, zemis, erased.dateOfBirth, a.caseId] where service != "coordination" || needle != a.caseId {
                XCTAssertEqual(try rowsContaining(needle, in: service, ignoring: needle == a.caseId ? ["erased_cases"] : []), [],
                               "\(service) still holds \(needle)")
            }
        }
        XCTAssertEqual(try count("coordination", "SELECT count(*) AS n FROM case_keys WHERE case_id = $1::uuid AND wrapped_key IS NULL", [a.caseId]), 1,
                       "the case key is destroyed")
        // The key of its events is gone everywhere (intake destroyed it and said so on the key topic; each
        // service's erasure deleted its copy), so no record of the topics opens any more.
        for service in TestStack.suite {
            let gone = try eventually(within: 30, every: 0.25) { () -> Bool? in
                try self.count(service, "SELECT count(*) AS n FROM case_event_keys WHERE case_id = $1::uuid AND wrapped_key IS NOT NULL",
                               [a.caseId]) == 0 ? true : nil
            }
            XCTAssertNotNil(gone, "\(service) still holds the key of the case's events")
        }
        try assertNoTopicRecordReveals(erased, zemis: zemis, caseId: a.caseId)

        // No answer names the erased person any more.
        let intake = try stack.client("intake")
        XCTAssertEqual(try intake.json("GET", "/persons/\(a.personId)", token: canton).status, 404)
        for search in ["familyName=\(erased.familyName)", "zemisNumber=\(zemis)", "givenName=\(erased.givenName)"] {
            let found = try intake.json("GET", "/persons?\(search)", token: canton)
            XCTAssertEqual(found.status, 200, found.text)
            XCTAssertFalse(found.text.contains(a.caseId) || found.text.contains(erased.familyName), "search \(search): \(found.text)")
        }
        for (service, path) in [("assessment", "/cases/\(a.caseId)/assessments"), ("plan", "/cases/\(a.caseId)/plan"),
                                ("coordination", "/cases/\(a.caseId)/dossier"), ("coordination", "/cases/\(a.caseId)/documents"),
                                ("coordination", "/cases/\(a.caseId)/consents"), ("costs", "/cases/\(a.caseId)/budget"),
                                ("costs", "/cost-approvals/\(approvalId)")] {
            let answer = try stack.client(service).json("GET", path, token: canton)
            XCTAssertEqual(answer.status, 404, "\(service) \(path): \(answer.text)")
        }
        let content = try stack.client("coordination").request("GET", download, headers: ["Authorization": "Bearer \(canton)"])
        XCTAssertTrue([404, 410].contains(content.status), "the document is still readable: \(content.status)")
        let tasks = try stack.client("coordination").json("GET", "/tasks?limit=200", token: canton)
        XCTAssertFalse(tasks.text.contains(a.caseId), tasks.text)

        // The indicators of the cohort are the same, from the anonymous contribution.
        let after = try stack.client("coordination").json("GET", indicators, token: canton)
        XCTAssertEqual(after.status, 200, after.text)
        XCTAssertEqual(try after.json(), try before.json(), "before: \(before.text)\nafter: \(after.text)")

        // The other case stays whole.
        XCTAssertEqual(try intake.json("GET", "/persons/\(keptPerson)", token: canton).status, 200)
        XCTAssertEqual(try stack.client("coordination").json("GET", "/cases/\(keptCase)/dossier", token: canton).status, 200)

        // Housekeeping: nothing older than its rule (one second) is left, and the metrics count it.
        try assertHousekeeping()
        for service in TestStack.suite {
            let metrics = try stack.client(service).request("GET", "/metrics").text
            XCTAssertNotNil(sample(metrics, #"ias_retention_records_deleted_total{kind="case-data"}"#).flatMap { $0 >= 1 ? $0 : nil },
                            "\(service): \(metrics.split(separator: "\n").filter { $0.contains("retention") })")
            XCTAssertNotNil(sample(metrics, "ias_retention_last_success_timestamp_seconds"), service)
        }
        let intakeMetrics = try intake.request("GET", "/metrics").text
        for kind in ["published-outbox-events", "idempotency-records"] {
            XCTAssertNotNil(sample(intakeMetrics, #"ias_retention_records_deleted_total{kind="\#(kind)"}"#), kind)
        }
        XCTAssertNotNil(sample(try stack.client("coordination").request("GET", "/metrics").text,
                               #"ias_retention_records_deleted_total{kind="inbox-entries"}"#))

        // Last, as it registers the name again: the duplicate check no longer knows the erased person.
        let again = try intake.json("POST", "/persons", token: canton, body: NewPerson.sample(
            givenName: erased.givenName, familyName: erased.familyName, dateOfBirth: erased.dateOfBirth))
        XCTAssertEqual(again.status, 201, "the duplicate check no longer knows the erased person: \(again.text)")
    }

    /// Every record of every topic on the broker: none names the person or carries the ZEMIS
    /// number in readable form, anywhere (key, value, headers); none about the case (keyed by it or
    /// naming it) carries the birth date, which other persons may share. The outbound partner
    /// topics, which carry what a partner needs to identify the person, are kept for their own
    /// rule (partner-messages) and are counted apart.
    private func assertNoTopicRecordReveals(_ person: NewPerson, zemis: String, caseId: String) throws {
        let records = try TestBroker.readEverything(within: 120)
        XCTAssertTrue(records.contains { $0.topic == "ias.intake.v1" && String(decoding: $0.value, as: UTF8.self).contains(caseId) },
                      "the case's events are still on the topics (read \(records.count) records)")
        XCTAssertTrue(records.contains { $0.topic == "ias.intake.case-keys.v1" && $0.key.map { String(decoding: $0, as: UTF8.self) } == caseId
                          && String(decoding: $0.value, as: UTF8.self).contains("intake.CaseKeyDestroyed") },
                      "the destruction of the case's key is on the key topic")
        let digits = zemis.filter(\.isNumber)
        var revealing: [String] = []
        for record in records where !(record.topic.hasPrefix("iiz.partner.") && record.topic.hasSuffix(".outbound.v1")) {
            let key = record.key.map { String(decoding: $0, as: UTF8.self) } ?? ""
            let text = key + "\n" + String(decoding: record.value, as: UTF8.self) + "\n"
                + record.headers.map { $0.key + "=" + String(decoding: $0.value ?? [], as: UTF8.self) }.joined(separator: "\n")
            var found = [person.familyName, person.givenName, zemis, digits].filter { text.contains($0) }
            if key == caseId || text.contains(caseId), text.contains(person.dateOfBirth) { found.append(person.dateOfBirth) }
            if !found.isEmpty { revealing.append("\(record.topic)[\(record.partition)]@\(record.offset): \(found)") }
        }
        XCTAssertEqual(revealing, [], "records that still reveal the erased person")
    }

    private func assertHousekeeping() throws {
        for service in TestStack.suite {
            // Rows made since (the second registration above) are younger than the rule and may still be there.
            let old = try eventually(within: 10, every: 0.25) { () -> Bool? in
                let left = try self.count(service, """
                    SELECT (SELECT count(*) FROM outbox WHERE published_at < now() - interval '5 seconds')
                         + (SELECT count(*) FROM inbox WHERE received_at < now() - interval '5 seconds')
                         + (SELECT count(*) FROM idempotency_keys WHERE created_at < now() - interval '5 seconds') AS n
                    """)
                return left == 0 ? true : nil
            }
            XCTAssertNotNil(old, "\(service) keeps records older than their rule")
        }
    }

    /// The value of the sample `name` (with its labels) in a Prometheus text, or nil.
    private func sample(_ metrics: String, _ name: String) -> Double? {
        metrics.split(separator: "\n").first { $0.hasPrefix(name + " ") }.flatMap { Double($0.split(separator: " ").last ?? "") }
    }

    /// "schema.table" of every table of the service's database holding a row whose text contains `needle`.
    private func rowsContaining(_ needle: String, in service: String, ignoring: Set<String>) throws -> [String] {
        try query(service) { c in
            let tables = try c.query("""
                SELECT n.nspname AS schema, c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'audit') AND n.nspname NOT LIKE 'pg_toast%'
                """).map { (try $0.string("schema"), try $0.string("name")) }
            return try tables.filter { !ignoring.contains($0.1) }.compactMap { schema, table in
                // Names from the catalogue, quoted.
                let n = try c.query("SELECT count(*) AS n FROM \"\(schema)\".\"\(table)\" t WHERE t::text LIKE $1", ["%\(needle)%"])[0].int("n")
                return n > 0 ? "\(schema).\(table)" : nil
            }
        }
    }

    /// A canton's rules file: the bundled kinds with the case-data and housekeeping periods given.
    private func rulesFile(caseData: String, housekeeping: String) throws -> String {
        let rules: [[String: String]] = [
            ["kind": "case-data", "keep": caseData, "from": "closure"],
            ["kind": "idempotency-records", "keep": housekeeping, "from": "creation"],
            ["kind": "published-outbox-events", "keep": housekeeping, "from": "publication"],
            ["kind": "inbox-entries", "keep": housekeeping, "from": "receipt"],
            ["kind": "dead-letters", "keep": housekeeping, "from": "dead-lettering"],
            ["kind": "partner-messages", "keep": "P90D", "from": "publication"],
            ["kind": "audit-trail", "keep": "P1Y", "from": "recording"],
            ["kind": "withdrawn-documents", "keep": "P2Y", "from": "withdrawal"],
        ]
        let path = NSTemporaryDirectory() + "retention-rules-\(UUID().uuidString).json"
        try JSONSerialization.data(withJSONObject: ["version": "end-to-end", "rules": rules]).write(to: URL(fileURLWithPath: path))
        return path
    }
}
