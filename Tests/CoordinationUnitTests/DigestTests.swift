import Foundation
import IASRuntime
import XCTest
@testable import CoordinationService

/// What a digest mail says, and how its configuration is read.
final class DigestTests: XCTestCase {
    let day = CalendarDate("2026-12-07")!

    func testTheMailHoldsTheCountsByKindTheirSumsAndTheLinkToTheWorkQueue() {
        let counts = [TaskStore.KindCount(kind: "cost_decision", open: 4, due: 1, overdue: 2),
                      TaskStore.KindCount(kind: "handover", open: 3, due: 0, overdue: 1)]
        let mail = Digest.message(org: "canton:KSD", day: day, counts: counts, portalURL: "https://ias.example.ch/", from: "ias@ag.example",
                                  to: "ksd@ag.example", messageId: "1@ias.digest")
        XCTAssertEqual(mail.subject, "IAS 2026-12-07: 3 overdue, 1 due, 7 open tasks")
        XCTAssertEqual(mail.to, ["ksd@ag.example"])
        XCTAssertTrue(mail.body.contains("Open tasks of canton:KSD on 2026-12-07: 7"), mail.body)
        XCTAssertNotNil(mail.body.range(of: #"cost_decision\s+4\s+1\s+2\n"#, options: .regularExpression), mail.body)
        XCTAssertNotNil(mail.body.range(of: #"handover\s+3\s+0\s+1\n"#, options: .regularExpression), mail.body)
        XCTAssertTrue(mail.body.contains("Work queue: https://ias.example.ch/queue"), mail.body)
    }

    func testTheCantonIsToldWhatWasEscalatedToIt() {
        let counts = [TaskStore.KindCount(kind: "handover", open: 1, due: 0, overdue: 0, escalated: 0),
                      TaskStore.KindCount(kind: "plan_agreement", open: 0, due: 0, overdue: 0, escalated: 3)]
        let mail = Digest.message(org: "canton:KSD", day: day, counts: counts, portalURL: "https://ias.example.ch", from: "a@b.example",
                                  to: "ksd@ag.example", messageId: "3@ias.digest")
        XCTAssertEqual(mail.subject, "IAS 2026-12-07: 0 overdue, 0 due, 1 open tasks, 3 escalated")
        XCTAssertTrue(mail.body.contains("Overdue tasks of other offices escalated to canton:KSD: 3"), mail.body)
        XCTAssertNotNil(mail.body.range(of: #"plan_agreement\s+0\s+0\s+0\s+3\n"#, options: .regularExpression), mail.body)
        // An office without escalations keeps the four columns (the test above).
        XCTAssertFalse(Digest.message(org: "municipality:4001", day: day, counts: [counts[0]], portalURL: "x", from: "a@b.example",
                                      to: "c@d.example", messageId: "4@ias.digest").body.contains("escalated"))
    }

    func testAnOrganisationWithoutOpenTasksIsToldSo() {
        let mail = Digest.message(org: "municipality:4001", day: day, counts: [], portalURL: "https://ias.example.ch", from: "a@b.example",
                                  to: "c@d.example", messageId: "2@ias.digest")
        XCTAssertEqual(mail.subject, "IAS 2026-12-07: 0 overdue, 0 due, 0 open tasks")
        XCTAssertTrue(mail.body.contains("No open tasks."))
    }

    func testMailboxesComeFromTheKeyAndTheFileAndABadEntryIsReported() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("mailboxes-\(UUID().uuidString)")
        try "# the canton\ncanton:KSD=ksd@ag.example\n\nmunicipality:4021 = tasks@baden.example\n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let reader = ConfigurationReader(environment: ["IAS_SMTP_HOST": "mail.example", "IAS_SMTP_SECURITY": "none",
                                                       "IAS_DIGEST_MAILBOXES": "municipality:4001=tasks@aarau.example, nobody=x@y.example",
                                                       "IAS_DIGEST_MAILBOXES_FILE": file.path])
        let settings = DigestSettings.read(from: reader)
        XCTAssertEqual(settings.mailboxes.map { "\($0.org)=\($0.address)" },
                       ["municipality:4001=tasks@aarau.example", "canton:KSD=ksd@ag.example", "municipality:4021=tasks@baden.example"])
        XCTAssertEqual(reader.problems.count, 1, "\(reader.problems)")
        XCTAssertTrue(reader.problems.first?.contains("nobody=x@y.example") ?? false)
        XCTAssertTrue(settings.enabled)
    }

    func testAPasswordWithoutTLSStopsTheStartAndWithoutAHostThereIsNoDigest() throws {
        let secret = FileManager.default.temporaryDirectory.appendingPathComponent("smtp-password-\(UUID().uuidString)")
        try "s3cret\n".write(to: secret, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: secret) }
        let clear = ConfigurationReader(environment: ["IAS_SMTP_HOST": "mail.example", "IAS_SMTP_SECURITY": "none", "IAS_SMTP_USER": "ias",
                                                      "IAS_SMTP_PASSWORD_FILE": secret.path])
        _ = DigestSettings.read(from: clear)
        XCTAssertTrue(clear.problems.contains { $0.contains("in clear") }, "\(clear.problems)")

        let tls = ConfigurationReader(environment: ["IAS_SMTP_HOST": "mail.example", "IAS_SMTP_USER": "ias", "IAS_SMTP_PASSWORD_FILE": secret.path,
                                                    "IAS_DIGEST_MAILBOXES": "canton:KSD=ksd@ag.example"])
        let settings = DigestSettings.read(from: tls)
        XCTAssertEqual(tls.problems, [])
        XCTAssertEqual(settings.smtp?.security, .startTLS, "STARTTLS is the default")
        XCTAssertEqual(settings.smtp?.password, "s3cret", "the file's line end is not part of the password")

        let off = DigestSettings.read(from: ConfigurationReader(environment: ["IAS_DIGEST_MAILBOXES": "canton:KSD=ksd@ag.example"]))
        XCTAssertFalse(off.enabled)
    }
}
