import Foundation
import IASContracts
import IASKafka
import IASMessaging
import IASPostgres
import IASRuntime
import IASHTTPClient
import TestSupport
import XCTest

/// `ias-admin` as operators run it, against the running suite: dead-letter replay and the
/// consistency check across the service databases.
final class OperatorToolTests: StackTestCase {
    let canton = TestEnvironment.token(org: "canton:KSD")

    override class func startStack() -> TestStack { .running(TestStack.suite) }

    // MARK: check-consistency

    func testCheckConsistencyPassesAfterRegistrationsAndNamesEachCorruptedStore() throws {
        let since = ISO8601DateFormatter().string(from: Date().addingTimeInterval(-1))
        var cases: [String] = []
        for _ in 0..<3 { cases.append(try register()) }
        for caseId in cases { XCTAssertNotNil(timeline(caseId, within: 20), "case \(caseId) did not reach the dossier") }

        let arguments = ["check-consistency", "--since", since, "--max-backlog-seconds", "1"]
        // Past the grace period every event counts: one still missing is reported. The
        // services' reactions (budget opened, registries) may take a moment more.
        Thread.sleep(forTimeInterval: 1.5)
        // The test databases are shared with the other end-to-end classes, some of which put
        // registrations straight onto the topics (no person in intake behind them): the case
        // registries then hold rows "without registered person". Those are tolerated here;
        // anything else is not, and the corruptions below must add exactly their findings.
        let consistent = try eventually(within: 30) { () -> ToolRun? in
            let run = try admin(arguments)
            return Self.unexpectedFindings(run).isEmpty ? run : nil
        }
        let last = try admin(arguments)
        let passed = try XCTUnwrap(consistent, "never consistent: \(last.text)")
        let baseline = try XCTUnwrap(Self.inconsistencies(passed), passed.text)
        for check in ["dossiers", "outbox-backlog", "dossier-inbox", "timeline", "budgets", "measure-approvals"] {
            XCTAssertTrue(passed.output.contains("ok   \(check)  "), "\(check) missing: \(passed.text)")
        }
        for caseId in cases { XCTAssertFalse(passed.output.contains(caseId), "the test's own case is reported: \(passed.text)") }

        // Corrupt one dossier: its registration disappears from the timeline. The row is put
        // back at the end, so that coordination's store stays what its events say for the
        // classes that run later (the dossier rebuild compares it with the topics).
        let corrupted = cases[1]
        let removed = try TestDatabase.withConnection(to: "ias_coordination") { c in
            try c.query("""
                WITH gone AS (DELETE FROM timeline WHERE case_id = $1 AND event_type = 'intake.PersonRegistered' RETURNING *)
                SELECT row_to_json(gone)::text AS row FROM gone
                """, [corrupted]).map { try $0.string("row") }
        }
        XCTAssertEqual(removed.count, 1)
        defer {
            for row in removed {
                XCTAssertNoThrow(try TestDatabase.withConnection(to: "ias_coordination") { c in
                    try c.execute("INSERT INTO timeline SELECT * FROM json_populate_record(NULL::timeline, $1::json)", [row])
                })
            }
        }
        let failed = try admin(arguments)
        XCTAssertEqual(failed.status, 1, failed.text)
        let line = failed.output.split(separator: "\n").first { $0.hasPrefix("FAIL timeline  ") }
        XCTAssertNotNil(line, failed.text)
        XCTAssertTrue(line?.contains(corrupted) == true, failed.text)
        XCTAssertEqual(Self.inconsistencies(failed), baseline + 1, failed.text)

        // A budget that no longer equals its grants, and a measure approved without any cost decision.
        let budgetCase = cases[0]
        XCTAssertEqual(try TestDatabase.withConnection(to: "ias_costs") { c in
            try c.execute("UPDATE budgets SET committed_rappen = committed_rappen + 100 WHERE case_id = $1", [budgetCase])
        }, 1)
        let measureId = UUID().uuidString.lowercased()
        try TestDatabase.withConnection(to: "ias_plan") { c in
            let planId = UUID().uuidString.lowercased()
            try c.execute("""
                INSERT INTO plans (plan_id, case_id, status, target_group, pathway, catalog_version)
                VALUES ($1, $2, 'active', 'A', 'A', 'test')
                """, [planId, cases[2]])
            try c.execute("""
                INSERT INTO measures (measure_id, plan_id, case_id, catalog_code, field_of_action, funding_source, starts_on,
                                      estimated_cost_rappen, status, origin, updated_at)
                VALUES ($1, $2, $3, 'JOB-COACHING', 'work', 'lump_sum', '2026-10-01', 100000, 'approved', 'manual', now() - interval '1 hour')
                """, [measureId, planId, cases[2]])
        }
        let worse = try admin(arguments)
        XCTAssertEqual(worse.status, 1, worse.text)
        let lines = worse.output.split(separator: "\n")
        XCTAssertTrue(lines.contains { $0.hasPrefix("FAIL budgets  ") && $0.contains(budgetCase) }, worse.text)
        XCTAssertTrue(lines.contains { $0.hasPrefix("FAIL measure-approvals  ") && $0.contains(measureId) }, worse.text)
        XCTAssertTrue(lines.contains { $0.hasPrefix("ok   rejected-measures  ") }, worse.text)
        XCTAssertEqual(Self.inconsistencies(worse), baseline + 3, worse.text)
    }

    /// FAIL lines other than registry rows without a person behind them (see above).
    static func unexpectedFindings(_ run: ToolRun) -> [Substring] {
        run.output.split(separator: "\n").filter { line in
            guard line.hasPrefix("FAIL ") else { return false }
            let tolerated = line.hasPrefix("FAIL case-registry ") && line.contains("rows without registered person")
                && !line.contains("persons missing")
            return !tolerated
        }
    }

    /// M of the closing line `consistency: N checks, M inconsistencies`.
    static func inconsistencies(_ run: ToolRun) -> Int? {
        guard let line = run.output.split(separator: "\n").last(where: { $0.hasPrefix("consistency: ") }) else { return nil }
        return Int(line.split(separator: " ").dropLast().last ?? "")
    }

    // MARK: replay-dlq

    func testReplayDlqRepublishesADeadLetteredEventOnceAndItReachesTheDossier() throws {
        let events = try EventPublisher(clientId: "e2e-replay")
        defer { events.close() }
        let marker = UUID().uuidString

        // A poison message lands in the dead-letter topic.
        let poison = EventPublisher.poison(on: "ias.intake.v1", marker: marker)
        XCTAssertNoThrow(try events.send(poison))
        XCTAssertNotNil(try findInDeadLetters(marker), "the poison message did not reach ias.intake.v1.dlq")

        // A valid event dead-lettered before a fix, as the event processor would have written it.
        let caseId = Identifier()
        let envelope = try EventPublisher.envelope(PersonRegistered.sample(caseId: caseId, givenName: "Replayed", familyName: "Letter"),
                                                   subject: caseId.description)
        let headers = [
            ("content-type", EventEnvelope.contentType),
            ("dlq-reason", "rejected before the fix \(marker)"), ("dlq-consumer", "dossier"),
            ("dlq-original-topic", "ias.intake.v1"), ("dlq-original-partition", "0"), ("dlq-original-offset", "0"),
        ].map { KafkaHeader(key: $0.0, value: Array($0.1.utf8)) }
        let letter = KafkaRecord(topic: "ias.intake.v1.dlq", key: Array(caseId.description.utf8), value: try envelope.encoded(), headers: headers)
        XCTAssertNoThrow(try events.send(letter))

        let first = try admin(["replay-dlq", "--topic", "ias.intake.v1.dlq", "--consumer", "dossier"])
        XCTAssertEqual(first.status, 0, first.text)
        let replayedLine = first.output.split(separator: "\n").first { $0.contains(marker) && $0.hasPrefix("replayed  ") }
        XCTAssertNotNil(replayedLine, first.text)
        XCTAssertTrue(replayedLine?.contains("-> ias.intake.v1") == true, first.text)
        XCTAssertFalse(first.output.contains("Twice") || first.output.contains("Replayed"), "payload printed: \(first.text)")
        let entries = try XCTUnwrap(timeline(caseId.description, within: 20), "the replayed event did not reach the dossier")
        XCTAssertEqual(entries.filter { $0["type"] as? String == "intake.PersonRegistered" }.count, 1)

        // On the original topic: the original key, value and headers, no dlq-* header but where it came from.
        let replayed = try XCTUnwrap(try find(topic: "ias.intake.v1", key: caseId.description), "not republished to ias.intake.v1")
        XCTAssertEqual(replayed.value, letter.value)
        XCTAssertEqual(replayed.header("content-type").map { String(decoding: $0, as: UTF8.self) }, EventEnvelope.contentType)
        XCTAssertEqual(replayed.headers.filter { $0.key.hasPrefix("dlq-") }.map(\.key), ["dlq-replayed-from"])

        // The group's offsets were stored: a second run republishes nothing new (the poison
        // that failed again after its replay is reported, not replayed again).
        Thread.sleep(forTimeInterval: 2)
        let second = try admin(["replay-dlq", "--topic", "ias.intake.v1.dlq", "--consumer", "dossier"])
        XCTAssertEqual(second.status, 0, second.text)
        XCTAssertTrue(second.output.contains(" 0 replayed,"), second.text)
        XCTAssertFalse(second.output.contains(marker) && second.output.contains("rejected before the fix"), second.text)
    }

    // MARK: Helpers

    /// Runs `ias-admin` with the test broker and the test databases (as the superuser).
    private func admin(_ arguments: [String]) throws -> ToolRun {
        var environment = ProcessInfo.processInfo.environment
        environment["IAS_KAFKA_BROKERS"] = try TestEnvironment.brokers
        for service in ["intake", "assessment", "plan", "costs", "coordination"] {
            environment["IAS_\(service.uppercased())_DATABASE_URL"] = try TestDatabase.url("ias_\(service)")
        }
        return try ToolRun.run("ias-admin", arguments, environment: environment)
    }

    private var worker: CaseWorker { CaseWorker(stack: Self.stack, caseworker: canton) }

    private func register() throws -> String { try worker.register(.sample()).caseId }

    private func timeline(_ caseId: String, within seconds: Double) -> [[String: Any]]? { worker.timeline(caseId, within: seconds) }

    private func findInDeadLetters(_ marker: String) throws -> KafkaMessage? {
        try TestBroker.first(in: "ias.intake.v1.dlq", containing: marker)
    }

    private func find(topic: String, key: String) throws -> KafkaMessage? {
        try TestBroker.first(in: topic) { $0.key == Array(key.utf8) }
    }
}
