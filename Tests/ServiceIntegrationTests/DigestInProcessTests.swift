import Foundation
import IASContracts
import IASCrypto
import IASHTTPClient
import IASRuntime
import TestSupport
import XCTest
@testable import CoordinationService

/// The digest job in process against PostgreSQL and a real SMTP server (aiosmtpd): instances
/// racing for the same digest send it once; a digest whose server was down is sent at a later
/// run; one whose instance stopped while sending is never sent twice.
final class DigestInProcessTests: CoordinationInProcessCase {

    /// An app on the same host and database with the digest of `mailboxes` (in English) sent to `port`.
    func app(_ mailboxes: [(org: String, address: String)], port: Int) throws -> CoordinationApp {
        let digest = DigestSettings(mailboxes: mailboxes.map { .init(org: $0.org, address: $0.address, language: .en) },
                                    smtp: SMTPSettings(host: "127.0.0.1", port: port, timeoutSeconds: 3),
                                    from: "ias@ag.example", portalURL: "https://portal.ag.example", sendHourUTC: 0, checkSeconds: 1,
                                    texts: try Digest.texts())
        return CoordinationApp(host: Self.coordination.host, documents: DocumentSettings(ring: try MasterKeyRing.parse(TestEnvironment.documentMasterKeys)),
                               subjectAccess: .standard, digest: digest)
    }

    /// Opens `count` handover tasks for `org`.
    func seed(_ org: String, count: Int) throws {
        for _ in 0..<count {
            let caseId = Identifier()
            _ = try Self.coordination.apply(PersonRegistered.sample(caseId: caseId, givenName: "Digest", familyName: "InProcess"), subject: caseId.description)
            _ = try Self.coordination.apply(ResponsibilityTransferred(personId: Identifier(), caseId: caseId, fromOrg: "canton:KSD", toOrg: org,
                                                                      effectiveOn: .today(), reason: .assignment), subject: caseId.description)
        }
    }

    func row(_ org: String) throws -> (status: String, attempts: Int, error: String?)? {
        try Self.coordination.host.read { c in
            try c.query("SELECT status, attempts, last_error FROM mail_digests WHERE org = $1 AND day = $2", [org, CalendarDate(utcDayOf: Date())])
                .first.map { (try $0.string("status"), try $0.int("attempts"), try $0.optionalString("last_error")) }
        }
    }

    func testInstancesRacingForTheSameDigestSendItOnce() throws {
        // Apart from the other test's municipalities: both share the database and the day's digests.
        let org = "municipality:\(Int.random(in: 4900...4944))", mailbox = "race-\(UUID().uuidString.prefix(6))@m.example"
        try seed(org, count: 3)
        let sink = try SMTPSink()
        defer { sink.stop() }
        let apps = try (0..<4).map { _ in try app([(org, mailbox)], port: sink.port) }
        let failures = Locked(0)
        DispatchQueue.concurrentPerform(iterations: apps.count * 2) { i in
            do { try apps[i % apps.count].sendDigests() } catch { failures.withLock { $0 += 1 } }
        }
        XCTAssertEqual(failures.withLock { $0 }, 0)
        XCTAssertNotNil(eventually(within: 5) { sink.messages().first { $0.contains(mailbox) } })
        Thread.sleep(forTimeInterval: 0.5)
        XCTAssertEqual(sink.messages().filter { $0.contains(mailbox) }.count, 1)
        XCTAssertEqual(try row(org)?.status, "sent")
        XCTAssertEqual(try row(org)?.attempts, 1)
    }

    func testADigestWhoseServerWasDownIsSentLaterAndOneLeftWhileSendingIsNeverSentAgain() throws {
        let down = "municipality:\(Int.random(in: 4945...4989))", stopped = "canton:DVI"
        let downBox = "down-\(UUID().uuidString.prefix(6))@m.example", stoppedBox = "stopped-\(UUID().uuidString.prefix(6))@dvi.example"
        try seed(down, count: 2)
        let port = SMTPSink.port(offset: 2)
        let job = try app([(down, downBox), (stopped, stoppedBox)], port: port)

        // An instance stopped between its claim and the outcome of another digest, long ago.
        try Self.coordination.host.write { c in
            try c.execute("INSERT INTO mail_digests (org, day, status, attempts, claimed_at) VALUES ($1, $2, 'sending', 1, now() - interval '1 hour')",
                          [stopped, CalendarDate(utcDayOf: Date())])
        }
        try job.sendDigests()
        XCTAssertEqual(try row(down)?.status, "failed")
        let failed = try row(down)
        XCTAssertTrue(failed?.error?.contains("cannot connect") ?? false, "\(String(describing: failed))")
        XCTAssertEqual(try row(stopped)?.status, "unknown")
        XCTAssertEqual(Self.coordination.host.metrics.counterValue("ias_digest_mails_total", labels: ["outcome": "unknown"]), 1)

        let sink = try SMTPSink(port: port)
        defer { sink.stop() }
        try job.sendDigests()
        try job.sendDigests()
        XCTAssertEqual(try row(down)?.status, "sent")
        XCTAssertEqual(try row(down)?.attempts, 2)
        let mails = sink.messages()
        XCTAssertEqual(mails.filter { $0.contains(downBox) }.count, 1)
        XCTAssertTrue(mails.first { $0.contains(downBox) }?.contains("2 open tasks") ?? false, "\(mails)")
        XCTAssertFalse(mails.contains { $0.contains(stoppedBox) }, "a digest whose outcome is unknown was sent again")
    }
}
