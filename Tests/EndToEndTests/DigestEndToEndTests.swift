import Foundation
import IASContracts
import IASHTTPClient
import IASMessaging
import IASRuntime
import TestSupport
import XCTest

/// The daily digest through real processes and a real SMTP server (aiosmtpd): a municipality
/// of its own gets open, due and overdue tasks from handovers seeded here; coordination, with
/// the digest configured from its start and its SMTP server down, fails, counts and retries,
/// sends once the server is up, once only, and the mail holds counts but no name, birth date or
/// case id. (Several instances racing for one digest: DigestInProcessTests.)
final class DigestEndToEndTests: StackTestCase {
    nonisolated(unsafe) static var events: EventPublisher!
    static let bfs = Int.random(in: 4900...4989)
    static var org: String { "municipality:\(bfs)" }
    static var mailbox: String { "tasks@m\(bfs).example" }
    static let smtpPort = SMTPSink.port(offset: 1)

    override class func startStack() -> TestStack {
        .running(["intake", "coordination"], extraEnvironment: ["coordination": [
            "IAS_SMTP_HOST": "127.0.0.1", "IAS_SMTP_PORT": String(smtpPort), "IAS_SMTP_SECURITY": "none", "IAS_SMTP_TIMEOUT_SECONDS": "3",
            "IAS_SMTP_FROM": "ias@ag.example", "IAS_DIGEST_MAILBOXES": "\(org)=\(mailbox)", "IAS_DIGEST_SEND_HOUR_UTC": "0",
            "IAS_DIGEST_CHECK_SECONDS": "1", "IAS_DIGEST_PORTAL_URL": "https://portal.ag.example"]])
    }

    override class func setUp() {
        super.setUp()
        do { events = try EventPublisher(clientId: "e2e-digest") } catch { stack.stop(); fatalError("no producer: \(error)") }
    }

    override class func tearDown() {
        events?.close()
        super.tearDown()
    }

    func testTheDigestArrivesOnceWithTheCountsAndNoPersonalDataAfterTheServerCameBack() throws {
        let bfs = Self.bfs, org = Self.org, mailbox = Self.mailbox
        let today = CalendarDate.today()
        // A handover's task is due 14 days after it takes effect: 30 days back is overdue, 10 days back due within 7 days.
        let effective = [-30, -30, -10, 0, 0, 0].map { Self.day(today, plus: $0) }
        var seeded: [(caseId: Identifier, name: String, born: CalendarDate)] = []
        for (i, on) in effective.enumerated() {
            let caseId = Identifier(), name = "Zuleika\(bfs)x\(i)", born = CalendarDate(year: 1971 + i, month: 2, day: 17)!
            try publish(PersonRegistered.sample(caseId: caseId, givenName: name, familyName: "Quartermaine", dateOfBirth: born, status: .VA,
                                                enteredCantonOn: Self.day(today, plus: -400)), caseId)
            try publish(ResponsibilityTransferred(personId: Identifier(), caseId: caseId, fromOrg: "canton:KSD", toOrg: org, effectiveOn: on,
                                                  reason: .assignment), caseId)
            seeded.append((caseId, name, born))
        }
        let token = TestEnvironment.token(org: org)
        let listed = try eventually(within: 20, every: 0.3) { () -> Int? in
            let r = try Self.stack.client("coordination").json("GET", "/tasks?status=open&limit=50", token: token)
            let count = (try? r.object()["items"] as? [Any])??.count ?? 0
            return count == 6 ? count : nil
        }
        XCTAssertEqual(listed, 6, "the handover tasks did not open")

        // The SMTP server has been down since coordination started: each run failed, was counted and is tried again.
        let coordinationPort = Self.stack.ports["coordination"]!
        let failed = eventually(within: 20, every: 0.3) { () -> Bool? in
            let metrics = (try? HTTPClient.connected(port: coordinationPort).request("GET", "/metrics").text) ?? ""
            return metrics.contains("ias_digest_mails_total{outcome=\"failed\"}") ? true : nil
        }
        XCTAssertEqual(failed, true, "a digest that could not be sent was not counted as failed")

        let sink = try SMTPSink(port: Self.smtpPort)
        defer { sink.stop() }
        let mail = try XCTUnwrap(eventually(within: 20, every: 0.3) { sink.messages().first { $0.contains(mailbox) } },
                                 "the digest did not arrive after the server came back")
        // More runs (one a second): still one digest for the organisation today.
        Thread.sleep(forTimeInterval: 4)
        XCTAssertEqual(sink.messages().filter { $0.contains(mailbox) }.count, 1, "the digest was sent more than once")
        let metrics = try HTTPClient.connected(port: coordinationPort).request("GET", "/metrics").text
        XCTAssertTrue(metrics.contains("ias_digest_mails_total{outcome=\"sent\"} 1"), metrics)

        // In German (IAS_DIGEST_LANGUAGE's default), as a mail reader shows it.
        let text = Self.readable(mail)
        XCTAssertTrue(text.contains("Subject: IAS \(SwissDate.format(today)): 2 überfällig, 1 bald fällig, 6 offene Pendenzen"), text)
        XCTAssertTrue(text.contains("Offene Pendenzen von \(org) am \(SwissDate.format(today)): 6"), text)
        XCTAssertTrue(text.range(of: #"Übernahme\s+6\s+1\s+2"#, options: .regularExpression) != nil, text)
        XCTAssertTrue(mail.contains("Content-Language: de"), mail)
        XCTAssertTrue(text.contains("https://portal.ag.example/queue"), mail)
        for person in seeded {
            XCTAssertFalse(text.contains(person.name), "a name is in the mail")
            XCTAssertFalse(text.contains(person.caseId.description) || text.lowercased().contains(person.caseId.description.lowercased()),
                           "a case id is in the mail")
            XCTAssertFalse(text.contains(person.born.description) || text.contains(SwissDate.format(person.born)), "a birth date is in the mail")
        }
        XCTAssertFalse(text.contains("Quartermaine"))
    }

    static func day(_ day: CalendarDate, plus days: Int) -> CalendarDate {
        CalendarDate(utcDayOf: Date(timeIntervalSince1970: Timestamp.parse("\(day)T12:00:00Z")!.timeIntervalSince1970 + Double(days) * 86_400))
    }

    /// The mail as a reader sees it: the subject's encoded words decoded, the body's
    /// quoted-printable undone.
    static func readable(_ raw: String) -> String {
        let mail = raw.replacingOccurrences(of: "\r\n", with: "\n")
        let split = mail.range(of: "\n\n") ?? mail.endIndex..<mail.endIndex
        var head = String(mail[..<split.lowerBound]).replacingOccurrences(of: "?=\n =?", with: "?==?")
        while let start = head.range(of: "=?utf-8?B?"), let end = head.range(of: "?=", range: start.upperBound..<head.endIndex) {
            let word = Data(base64Encoded: String(head[start.upperBound..<end.lowerBound])).map { String(decoding: $0, as: UTF8.self) }
            head.replaceSubrange(start.lowerBound..<end.upperBound, with: word ?? "")
        }
        let body = Array(mail[split.upperBound...].replacingOccurrences(of: "=\n", with: "").utf8)
        var bytes: [UInt8] = [], i = 0
        while i < body.count {
            if body[i] == UInt8(ascii: "="), i + 2 < body.count,
               let byte = UInt8(String(decoding: body[(i + 1)...(i + 2)], as: UTF8.self), radix: 16) {
                bytes.append(byte); i += 3
            } else { bytes.append(body[i]); i += 1 }
        }
        return head + "\n\n" + String(decoding: bytes, as: UTF8.self)
    }

    private func publish<E: EventPayload>(_ payload: E, _ caseId: Identifier) throws { try Self.events.publish(payload, subject: caseId.description) }
}

/// A birth date as a Swiss form would write it (dd.MM.yyyy), to look for it in the mail.
private enum SwissDate {
    static func format(_ day: CalendarDate) -> String { String(format: "%02d.%02d.%04d", day.day, day.month, day.year) }
}
