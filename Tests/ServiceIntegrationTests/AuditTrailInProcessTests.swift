@testable import CoordinationService
import Foundation
import IASContracts
import IASCrypto
import IASPostgres
import IASRuntime
import TestSupport
import XCTest

/// Coordination's audit chain against PostgreSQL, run by a runtime role that the owner
/// (the superuser here) granted its rights after the migrations: appends, the retention purge
/// through the owner's function with its anchor, the daily anchor, records kept before the
/// chain existed, and what the verification reports for each kind of break.
final class AuditTrailInProcessTests: XCTestCase {
    private var coordination: InProcessService!
    private var app: CoordinationApp!

    override func setUpWithError() throws {
        coordination = try InProcessService("coordination", module: "CoordinationService",
                                            publishes: [Topics.coordination] + PartnerChannel.all.map(\.outbound),
                                            runtimeRole: TestDatabase.uniqueName("audit_runtime")) {
            app = CoordinationApp(host: $0, documentKeys: try MasterKeyRing.parse(TestEnvironment.documentMasterKeys))
            app.register()
        }
    }

    override func tearDown() {
        coordination = nil
        app = nil
        super.tearDown()
    }

    /// One audit record, as a service publishes it, applied as coordination's consumer does.
    @discardableResult
    private func record(at: Date = Date(), route: String = "/cases/{caseId}/dossier") throws -> Identifier {
        let caseId = Identifier()
        let event = PersonalDataAccessed(service: "coordination", subject: "u-\(Int.random(in: 1...99))", organisation: "canton:KSD",
                                         roles: ["caseworker"], action: .read, method: "GET", route: route, caseId: caseId, personId: Identifier(),
                                         status: 200, requestId: UUID().uuidString, at: at,
                                         disclosed: [DisclosedRecord(caseId: Identifier(), personId: nil)], query: ["status": "open"])
        let envelope = try EventPublisher.envelope(event, subject: caseId.description)
        XCTAssertEqual(try coordination.apply(envelope, topic: Topics.audit), [true])
        return envelope.id
    }

    private func verify() throws -> AuditChainVerification.Report {
        try coordination.host.read { try AuditChainVerification.verify(on: $0, pageSize: 3) }
    }

    private func asOwner<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        try TestDatabase.withConnection(to: coordination.database, body)
    }

    func testAppendsAreChainedInOrderAndVerifyIntactAcrossPages() throws {
        for _ in 0..<7 { try record() }
        let rows = try asOwner { try $0.query("SELECT seq, prev_hash, hash FROM audit.audit_log ORDER BY seq") }
        XCTAssertEqual(try rows.map { try $0.int("seq") }, Array(1...7))
        XCTAssertEqual(try rows[0].string("prev_hash"), AuditChain.genesis)
        for i in 1..<rows.count { XCTAssertEqual(try rows[i].string("prev_hash"), try rows[i - 1].string("hash")) }
        let report = try verify()
        XCTAssertNil(report.firstBreak)
        XCTAssertEqual(report.records, 7)
        XCTAssertEqual(report.lastSeq, 7)
        // A redelivered record takes no second place.
        XCTAssertEqual(try coordination.host.write { c -> Int in
            try AuditChain.lock(on: c)
            let link = try AuditChain.link(try c.query("SELECT \(AuditChain.selectColumns) FROM audit.audit_log WHERE seq = 3")[0], seq: 0)
            return try AuditChain.append(link, on: c) ? 1 : 0
        }, 0)
    }

    func testEachKindOfBreakIsReportedAtItsPlace() throws {
        var ids: [Identifier] = []
        for _ in 0..<5 { ids.append(try record()) }

        try asOwner { _ = try $0.execute("UPDATE audit.audit_log SET status = 500 WHERE seq = 4") }
        var report = try verify()
        XCTAssertEqual(report.firstBreak?.seq, 4)
        XCTAssertEqual(report.firstBreak?.kind, .contentChanged)
        XCTAssertEqual(report.firstBreak?.auditId, ids[3].description)
        XCTAssertEqual(report.records, 3)
        try asOwner { _ = try $0.execute("UPDATE audit.audit_log SET status = 200 WHERE seq = 4") }
        XCTAssertNil(try verify().firstBreak)

        // A record rewritten with a hash of its own that fits its new fields: the next link breaks.
        let original = try asOwner { try $0.query("SELECT \(AuditChain.selectColumns) FROM audit.audit_log WHERE seq = 2")[0] }
        var forged = try AuditChain.link(original, seq: 2)
        forged.route = "/persons/{personId}"
        try asOwner { _ = try $0.execute("UPDATE audit.audit_log SET route = $1, hash = $2 WHERE seq = 2", [forged.route, AuditChain.hash(forged)]) }
        report = try verify()
        XCTAssertEqual(report.firstBreak?.seq, 3)
        XCTAssertEqual(report.firstBreak?.kind, .linkBroken)
        try asOwner { _ = try $0.execute("UPDATE audit.audit_log SET route = $1, hash = $2 WHERE seq = 2",
                                         [try original.string("route"), try original.string("hash")]) }
        XCTAssertNil(try verify().firstBreak)

        try asOwner { _ = try $0.execute("DELETE FROM audit.audit_log WHERE seq = 3") }
        report = try verify()
        XCTAssertEqual(report.firstBreak?.seq, 3)
        XCTAssertEqual(report.firstBreak?.kind, .gap)
    }

    func testRecordsKeptBeforeTheChainAreChainedOnceInTheOrderOfTheirTime() throws {
        try record()
        // As the rows of the days before the chain: no place, no hashes.
        let earlier = Date().addingTimeInterval(-3_600)
        try record(at: earlier.addingTimeInterval(60))
        try record(at: earlier)
        try asOwner { _ = try $0.execute("UPDATE audit.audit_log SET seq = NULL, prev_hash = NULL, hash = NULL WHERE seq > 1") }
        XCTAssertEqual(try verify().firstBreak?.kind, .gap)
        try coordination.host.migrate()   // the step after the migrations, at every start
        let order = try asOwner { try $0.query("SELECT at FROM audit.audit_log ORDER BY seq").map { try $0.date("at") } }
        XCTAssertEqual(order.count, 3)
        XCTAssertLessThan(order[1], order[2])
        let report = try verify()
        XCTAssertNil(report.firstBreak, String(describing: report.firstBreak))
        XCTAssertEqual(report.records, 3)
        try coordination.host.migrate()
        XCTAssertEqual(try verify(), report, "a second start changes nothing")
    }

    func testThePurgeRemovesOnlyTheOldPrefixLeavesAnAnchorAndTheRestVerifies() throws {
        let old = Date().addingTimeInterval(-800 * 86_400)
        for i in 0..<3 { try record(at: old.addingTimeInterval(Double(i))) }
        try record()
        try record(at: old)   // old, but after a recent one: kept, the chain is cut at a prefix only
        try record()
        let headBefore = try coordination.host.read { try AuditChain.head(on: $0) }
        let deleted = try coordination.host.write { try AuditLog.purge(olderThanDays: 730, on: $0) }
        XCTAssertEqual(deleted, 3)
        let anchor = try asOwner { try $0.query("SELECT up_to_seq, deleted FROM audit.retention_anchors")[0] }
        XCTAssertEqual(try anchor.int("up_to_seq"), 3)
        XCTAssertEqual(try anchor.int("deleted"), 3)
        let report = try verify()
        XCTAssertNil(report.firstBreak, String(describing: report.firstBreak))
        XCTAssertEqual(report.startSeq, 3)
        XCTAssertEqual(report.records, 3)
        XCTAssertEqual(try coordination.host.write { try AuditLog.purge(olderThanDays: 730, on: $0) }, 0)
        // The minimum retention holds whatever the caller asks.
        XCTAssertEqual(try coordination.host.write { try AuditLog.purge(olderThanDays: 0, on: $0) }, 0)
        XCTAssertEqual(try coordination.host.read { try AuditChain.head(on: $0) }.seq, headBefore.seq)
        try record()
        XCTAssertNil(try verify().firstBreak)
        // The operator's command, as the runtime role, starts where the purge left its anchor.
        var environment = ProcessInfo.processInfo.environment
        environment["IAS_DATABASE_URL"] = coordination.host.configuration.database.url
        let run = try ToolRun.run("ias-admin", ["verify-audit-trail"], environment: environment)
        XCTAssertEqual(run.status, 0, run.text)
        XCTAssertTrue(run.output.contains("intact: 4 records (seq 4 to 7)"), run.text)
        XCTAssertTrue(run.output.contains("verified from the retention anchor at seq 3"), run.text)
    }

    func testARetentionAnchorNotWrittenByThePurgeIsFound() throws {
        for _ in 0..<4 { try record() }
        let hash = try asOwner { try $0.query("SELECT hash FROM audit.audit_log WHERE seq = 2")[0].string("hash") }
        // The runtime role may insert into the audit schema: a forged anchor must not hide records 1 and 2.
        try coordination.host.write { c in
            _ = try c.execute("INSERT INTO audit.retention_anchors (up_to_seq, hash, deleted, cutoff) VALUES (2, $1, 2, now())", [hash])
        }
        let report = try verify()
        XCTAssertEqual(report.firstBreak?.kind, .anchorMismatch)
        XCTAssertEqual(report.firstBreak?.seq, 1)
    }

    func testThePurgeOfTheWholeChainLeavesTheHeadInItsAnchor() throws {
        let old = Date().addingTimeInterval(-800 * 86_400)
        for i in 0..<2 { try record(at: old.addingTimeInterval(Double(i))) }
        XCTAssertEqual(try coordination.host.write { try AuditLog.purge(olderThanDays: 365, on: $0) }, 2)
        XCTAssertNil(try verify().firstBreak)
        try record()
        let seqs = try asOwner { try $0.query("SELECT seq FROM audit.audit_log").map { try $0.int("seq") } }
        XCTAssertEqual(seqs, [3])
        let report = try verify()
        XCTAssertNil(report.firstBreak, String(describing: report.firstBreak))
        XCTAssertEqual(report.records, 1)
    }

    func testTheDailyAnchorIsWrittenOnceAndChecked() throws {
        let today = CalendarDate.today()
        XCTAssertNil(try coordination.host.write { try AuditAnchors.anchor(day: today, on: $0) }, "no anchor of an empty chain")
        try record()
        try record()
        let anchor = try XCTUnwrap(try coordination.host.write { try AuditAnchors.anchor(day: today, on: $0) })
        XCTAssertEqual(anchor.upToSeq, 2)
        XCTAssertEqual(anchor.records, 2)
        XCTAssertNil(try coordination.host.write { try AuditAnchors.anchor(day: today, on: $0) }, "one anchor a day")
        try record()
        let next = try XCTUnwrap(try coordination.host.write { try AuditAnchors.anchor(day: CalendarDate(utcDayOf: Date().addingTimeInterval(86_400)), on: $0) })
        XCTAssertEqual(next.records, 1)
        var report = try verify()
        XCTAssertNil(report.firstBreak)
        XCTAssertEqual(report.anchorsChecked, 2)

        try asOwner { _ = try $0.execute("UPDATE audit.anchors SET head_hash = $1 WHERE up_to_seq = 2", [AuditChain.genesis]) }
        report = try verify()
        XCTAssertEqual(report.firstBreak?.kind, .anchorMismatch)
        XCTAssertEqual(report.firstBreak?.seq, 2)
    }

    func testTheAnchoringJobWritesTheAnchorAndTheSameFactsAsAnEventOnce() throws {
        try app.anchorAuditTrail()
        XCTAssertFalse(try coordination.published().contains { $0.envelope.type == AuditTrailAnchored.eventType }, "an empty chain is not anchored")
        for _ in 0..<3 { try record() }
        try app.anchorAuditTrail()
        try app.anchorAuditTrail()
        let events = try coordination.published().filter { $0.envelope.type == AuditTrailAnchored.eventType }
        XCTAssertEqual(events.count, 1, "one anchor a day")
        let event = try XCTUnwrap(events.first)
        XCTAssertEqual(event.topic, Topics.coordination)
        XCTAssertEqual(event.envelope.subject, AuditTrailAnchored.subject)
        let anchored = try event.envelope.payload(AuditTrailAnchored.self)
        let row = try asOwner { try $0.query("SELECT day, up_to_seq, head_hash, records FROM audit.anchors")[0] }
        XCTAssertEqual(anchored, AuditTrailAnchored(day: try row.calendarDate("day"), upToSeq: try row.int("up_to_seq"),
                                                    headHash: try row.string("head_hash"), records: try row.int("records")))
        XCTAssertEqual(anchored.upToSeq, 3)
        XCTAssertEqual(anchored.headHash, try coordination.host.read { try AuditChain.head(on: $0) }.hash)
        XCTAssertEqual(anchored.day, CalendarDate.today())
    }
}
