import Foundation
import IASContracts
import IASCrypto
import IASPostgres
import IASRuntime
@testable import IASServiceKit
import TestSupport
import XCTest
@testable import CoordinationService

/// The retention job against PostgreSQL, in process (coordination): the housekeeping kinds
/// delete what is older than their rule and nothing younger or unpublished; a due case is
/// erased once; a late event of the erased case creates nothing again.
final class RetentionInProcessTests: CoordinationInProcessCase {
    nonisolated(unsafe) static var rulesPath = ""
    override class var settings: [String: String] { ["IAS_RETENTION_RULES_FILE": rulesPath] }
    override class var documentKeys: MasterKeyRing? { try! MasterKeyRing.parse("retention-1:" + Data(SecureRandom.bytes(32)).base64EncodedString()) }

    override class func setUp() {
        // The bundled periods, except that a case is due on the day of its closure.
        var bundled = try! JSONSerialization.jsonObject(with: Data(contentsOf: RetentionRules.bundledFile!)) as! [String: Any]
        bundled["rules"] = (bundled["rules"] as! [[String: Any]]).map { rule in
            var rule = rule
            if rule["kind"] as? String == "case-data" { rule["keep"] = "P0D" }
            return rule
        }
        rulesPath = NSTemporaryDirectory() + "retention-in-process-\(UUID().uuidString).json"
        try! JSONSerialization.data(withJSONObject: bundled).write(to: URL(fileURLWithPath: rulesPath))
        super.setUp()
    }

    override class func tearDown() {
        super.tearDown()
        try? FileManager.default.removeItem(atPath: rulesPath)
    }

    private var host: ServiceHost { Self.coordination.host }

    private func count(_ sql: String, _ parameters: [any PostgresBindable] = []) throws -> Int {
        try host.pool.withConnection { try $0.query(sql, parameters)[0].int("n") }
    }

    private func registered(_ caseId: Identifier, familyName: String) -> PersonRegistered {
        var person = PersonRegistered.sample(caseId: caseId, givenName: "Selam", familyName: familyName)
        person.enteredCantonOn = CalendarDate(year: 2024, month: 2, day: 1)!
        return person
    }

    func testHousekeepingErasureAndALateEventOfAnErasedCase() throws {
        let closed = Identifier(), open = Identifier()
        try Self.coordination.apply(registered(closed, familyName: "Spaet"), subject: closed.description)
        try Self.coordination.apply(registered(open, familyName: "Offen"), subject: open.description)
        try Self.coordination.apply(CaseClosed(personId: Identifier(), caseId: closed, reason: .integrated, closedOn: CalendarDate.today(),
                                               outcome: .firstLabourMarket), subject: closed.description)
        try host.pool.withConnection { c in
            // Just past and just within each rule (72 hours, 7 days, a year); one old row never published.
            for (key, age) in [("old", "73 hours"), ("young", "71 hours")] {
                try c.execute("""
                    INSERT INTO idempotency_keys (scope, key, request_hash, status, body, created_at)
                    VALUES ('POST /test', $1, 'h', 201, '{}', now() - $2::interval)
                    """, [key, age])
            }
            for (published, age) in [("old", "8 days"), ("young", "6 days"), ("never", "30 days")] {
                try c.execute("""
                    INSERT INTO outbox (event_id, topic, partition_key, event_type, payload, created_at, published_at)
                    VALUES ($1, 'ias.test.v1', $2, 'Test', '{}', now() - $3::interval,
                            CASE WHEN $4 = 'never' THEN NULL ELSE now() - $3::interval END)
                    """, [Identifier(), open.description, age, published])
            }
            for age in ["366 days", "364 days"] {
                try c.execute("INSERT INTO inbox (consumer, event_id, topic, event_type, received_at) VALUES ('test', $1, 't', 'T', now() - $2::interval)",
                              [Identifier(), age])
            }
        }
        let outboxBefore = try count("SELECT count(*) AS n FROM outbox")
        // The other test of the class may have erased a case of the same cohort before.
        let membersBefore = try count("SELECT coalesce(sum(members), 0)::integer AS n FROM erased_cohort_members WHERE entry_year = 2024")
        let erasedBefore = host.metrics.counterValue("ias_retention_records_deleted_total", labels: ["kind": "case-data"])

        let counts = try RetentionJob(host: host, settings: host.retention).run()
        XCTAssertEqual(counts[.idempotencyRecords], 1)
        XCTAssertEqual(counts[.publishedOutboxEvents], 1)
        XCTAssertEqual(counts[.inboxEntries], 1)
        XCTAssertEqual(counts[.caseData], 1)
        XCTAssertEqual(try count("SELECT count(*) AS n FROM idempotency_keys WHERE key = 'young'"), 1)
        XCTAssertEqual(try count("SELECT count(*) AS n FROM outbox"), outboxBefore - 1, "the young and the unpublished rows stay")
        XCTAssertEqual(try count("SELECT count(*) AS n FROM erased_cases WHERE case_id = $1", [closed]), 1)
        XCTAssertEqual(try count("SELECT count(*) AS n FROM cases WHERE case_id = $1", [closed]), 0)
        XCTAssertEqual(try count("SELECT count(*) AS n FROM timeline WHERE case_id = $1", [closed.description]), 0)
        XCTAssertEqual(try count("SELECT count(*) AS n FROM cases WHERE case_id = $1", [open]), 1, "an open case stays")
        XCTAssertEqual(try count("SELECT sum(members)::integer AS n FROM erased_cohort_members WHERE entry_year = 2024"), membersBefore + 1)
        XCTAssertEqual(host.metrics.counterValue("ias_retention_records_deleted_total", labels: ["kind": "case-data"]), erasedBefore + 1)

        // A late or replayed registration of the erased case: taken (inbox) but it creates nothing.
        let late = try Self.coordination.apply(registered(closed, familyName: "Spaet"), subject: closed.description)
        XCTAssertFalse(late.isEmpty)
        XCTAssertEqual(try count("SELECT count(*) AS n FROM cases WHERE case_id = $1", [closed]), 0)
        XCTAssertEqual(try count("SELECT count(*) AS n FROM timeline WHERE case_id = $1", [closed.description]), 0)

        let again = try RetentionJob(host: host, settings: host.retention).run()
        XCTAssertEqual(again[.caseData], 0, "a case is erased once")
        XCTAssertEqual(try count("SELECT sum(members)::integer AS n FROM erased_cohort_members WHERE entry_year = 2024"), membersBefore + 1)
    }

    func testACaseAConsumerHoldsIsErasedAtTheNextRunNotUnderIt() throws {
        let caseId = Identifier()
        try Self.coordination.apply(registered(caseId, familyName: "Gehalten"), subject: caseId.description)
        try Self.coordination.apply(CaseClosed(personId: Identifier(), caseId: caseId, reason: .leftCanton, closedOn: CalendarDate.today()),
                                    subject: caseId.description)
        try host.pool.transaction { c in
            // As a consumer's transaction applying an event of the case does.
            XCTAssertFalse(try ErasedCases.lockShared(caseId, on: c))
            _ = try RetentionJob(host: host, settings: host.retention).run()
            XCTAssertEqual(try count("SELECT count(*) AS n FROM erased_cases WHERE case_id = $1", [caseId]), 0, "erased under a consumer")
        }
        _ = try RetentionJob(host: host, settings: host.retention).run()
        XCTAssertEqual(try count("SELECT count(*) AS n FROM erased_cases WHERE case_id = $1", [caseId]), 1)
        XCTAssertEqual(try count("SELECT count(*) AS n FROM cases WHERE case_id = $1", [caseId]), 0)
    }
}
