import Foundation
import IASContracts
import IASHTTPClient
import IASRuntime
import XCTest
@testable import CoordinationService

/// What a digest mail says, and how its configuration is read.
final class DigestTests: XCTestCase {
    let day = CalendarDate("2026-12-07")!

    let texts = try! Digest.texts()

    func mail(_ org: String, _ counts: [TaskStore.KindCount], _ language: Language, portal: String = "https://ias.example.ch/") -> MailMessage {
        Digest.message(org: org, day: day, counts: counts, language: language, texts: texts, portalURL: portal, from: "ias@ag.example",
                       to: "box@ag.example", messageId: "1@ias.digest")
    }

    func testTheMailHoldsTheCountsByKindTheirSumsAndTheLinkToTheWorkQueue() {
        let counts = [TaskStore.KindCount(kind: "cost_decision", open: 4, due: 1, overdue: 2),
                      TaskStore.KindCount(kind: "handover", open: 3, due: 0, overdue: 1)]
        let mail = mail("canton:KSD", counts, .de)
        XCTAssertEqual(mail.subject, "IAS 07.12.2026: 3 überfällig, 1 bald fällig, 7 offene Pendenzen")
        XCTAssertEqual(mail.to, ["box@ag.example"])
        XCTAssertEqual(mail.language, "de")
        XCTAssertTrue(mail.rendered.contains("Content-Language: de\r\n"))
        XCTAssertTrue(mail.body.contains("Offene Pendenzen von canton:KSD am 07.12.2026: 7"), mail.body)
        XCTAssertNotNil(mail.body.range(of: #"Kostenentscheid\s+4\s+1\s+2\n"#, options: .regularExpression), mail.body)
        XCTAssertNotNil(mail.body.range(of: #"Übernahme\s+3\s+0\s+1\n"#, options: .regularExpression), mail.body)
        XCTAssertTrue(mail.body.contains("Arbeitsliste: https://ias.example.ch/queue"), mail.body)
    }

    func testEachMailboxReadsItsOwnLanguage() {
        let counts = [TaskStore.KindCount(kind: "status_meeting", open: 2, due: 2, overdue: 0)]
        let french = mail("municipality:2196", counts, .fr), italian = mail("municipality:5002", counts, .it)
        let english = mail("municipality:4001", counts, .en)
        XCTAssertEqual(french.subject, "IAS 07.12.2026 : 0 en retard, 2 à échéance, 2 tâches en suspens")
        XCTAssertTrue(french.body.contains("Liste de travail : https://ias.example.ch/queue"), french.body)
        XCTAssertEqual(italian.subject, "IAS 07.12.2026: 0 scadute, 2 in scadenza, 2 pendenze aperte")
        XCTAssertEqual(english.subject, "IAS 07.12.2026: 0 overdue, 2 due, 2 open tasks")
        XCTAssertTrue(english.body.contains("Open tasks of municipality:4001 on 07.12.2026: 2"), english.body)
        // The task kind by the portal's name in that language, never by its code.
        for (message, language) in [(french, Language.fr), (italian, .it), (english, .en)] {
            XCTAssertTrue(message.body.contains(texts.text("task.status_meeting", language)), message.body)
            XCTAssertFalse(message.body.contains("status_meeting"), message.body)
        }
    }

    func testTheCantonIsToldWhatWasEscalatedToIt() {
        let counts = [TaskStore.KindCount(kind: "handover", open: 1, due: 0, overdue: 0, escalated: 0),
                      TaskStore.KindCount(kind: "plan_agreement", open: 0, due: 0, overdue: 0, escalated: 3)]
        let mail = mail("canton:KSD", counts, .en)
        XCTAssertEqual(mail.subject, "IAS 07.12.2026: 0 overdue, 0 due, 1 open tasks, 3 escalated")
        XCTAssertTrue(mail.body.contains("Overdue tasks of other offices escalated to canton:KSD: 3"), mail.body)
        XCTAssertNotNil(mail.body.range(of: #"integration plan and agreement\s+0\s+0\s+0\s+3\n"#, options: .regularExpression), mail.body)
        // An office without escalations keeps the four columns (the test above).
        XCTAssertFalse(self.mail("municipality:4001", [counts[0]], .en).body.contains("escalated"))
    }

    func testAnOrganisationWithoutOpenTasksIsToldSo() {
        let mail = mail("municipality:4001", [], .de)
        XCTAssertEqual(mail.subject, "IAS 07.12.2026: 0 überfällig, 0 bald fällig, 0 offene Pendenzen")
        XCTAssertTrue(mail.body.contains("Keine offenen Pendenzen."))
    }

    /// The digest names every task kind in every language as the portal does, and its
    /// languages have the same texts.
    func testEveryTaskKindHasThePortalsNameInEveryLanguage() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        for language in Language.allCases {
            XCTAssertEqual(texts.keys(of: language), texts.keys(of: .de), "\(language)")
            let portalFile = root.appendingPathComponent("Services/Portal/Sources/Messages/\(language.rawValue).json")
            let portal = try JSONCoding.decode([String: String].self, from: [UInt8](Data(contentsOf: portalFile)))
            for kind in TaskKind.allCases {
                let key = "task.\(kind.rawValue)"
                XCTAssertNotNil(texts.optionalText(key, language), "\(key) in \(language)")
                XCTAssertEqual(texts.optionalText(key, language), portal[key], "\(key) in \(language): the digest and the portal differ")
            }
        }
    }

    func testMailboxesComeFromTheKeyAndTheFileAndABadEntryIsReported() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("mailboxes-\(UUID().uuidString)")
        try "# the canton\ncanton:KSD=ksd@ag.example\n\nmunicipality:4021 = tasks@baden.example\n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let reader = ConfigurationReader(environment: ["IAS_SMTP_HOST": "mail.example", "IAS_SMTP_SECURITY": "none",
                                                       "IAS_DIGEST_MAILBOXES": "municipality:4001=tasks@aarau.example, nobody=x@y.example, "
                                                           + "municipality:2196=taches@fribourg.example;fr, municipality:2197=x@y.example;xx",
                                                       "IAS_DIGEST_MAILBOXES_FILE": file.path])
        let settings = DigestSettings.read(from: reader)
        XCTAssertEqual(settings.mailboxes.map { "\($0.org)=\($0.address);\($0.language.rawValue)" },
                       ["municipality:4001=tasks@aarau.example;de", "municipality:2196=taches@fribourg.example;fr",
                        "canton:KSD=ksd@ag.example;de", "municipality:4021=tasks@baden.example;de"])
        XCTAssertEqual(reader.problems.count, 2, "\(reader.problems)")
        XCTAssertTrue(reader.problems.first?.contains("nobody=x@y.example") ?? false)
        XCTAssertTrue(reader.problems.last?.contains("x@y.example;xx") ?? false, "an unknown language is refused")
        let italian = DigestSettings.read(from: ConfigurationReader(environment: ["IAS_DIGEST_LANGUAGE": "it",
                                                                              "IAS_DIGEST_MAILBOXES": "canton:KSD=ksd@ag.example"]))
        XCTAssertEqual(italian.mailboxes.first?.language, .it, "IAS_DIGEST_LANGUAGE for the mailboxes without their own")
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
