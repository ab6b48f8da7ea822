import Foundation
import IASRuntime
import TestSupport
import XCTest
@testable import IASHTTPClient

/// The SMTP dialogue: its reply parsing and message form on their own, then whole against a
/// real SMTP server (aiosmtpd).
final class SMTPClientTests: XCTestCase {
    func testAMultiLineReplyEndsWithTheLineWithoutAHyphen() throws {
        XCTAssertNil(try SMTPClient.parse(lines: ["250-mail.example"]))
        let reply = try XCTUnwrap(try SMTPClient.parse(lines: ["250-mail.example", "250-8BITMIME", "250 HELP"]))
        XCTAssertEqual(reply, SMTPClient.Reply(code: 250, lines: ["mail.example", "8BITMIME", "HELP"]))
        XCTAssertEqual(try SMTPClient.parse(lines: ["354 go ahead"])?.code, 354)
        XCTAssertThrowsError(try SMTPClient.parse(lines: ["250-a", "251 b"]), "codes of one reply differ")
        XCTAssertThrowsError(try SMTPClient.parse(lines: ["hello"]))
    }

    func testLinesStartingWithADotAreStuffed() {
        XCTAssertEqual(SMTPClient.dotStuffed("a\r\n.\r\n..b\r\nc\r\n"), "a\r\n..\r\n...b\r\nc\r\n")
    }

    func testAnAddressThatCouldBreakTheCommandLineIsRefused() {
        XCTAssertNoThrow(try SMTPClient.address("ksd@ag.example"))
        for bad in ["", "no-at-sign", "a@b>\r\nRCPT TO:<x@y", "a b@c", "<a@b>"] { XCTAssertThrowsError(try SMTPClient.address(bad), bad) }
    }

    func testTheBodyIsQuotedPrintableWithShortLinesAndTheSubjectAnEncodedWord() {
        let long = String(repeating: "x", count: 100)
        let qp = MailMessage.quotedPrintable("Zürich = ok \n\(long)")
        XCTAssertTrue(qp.hasPrefix("Z=C3=BCrich =3D ok=20\r\n"), qp)
        XCTAssertTrue(qp.components(separatedBy: "\r\n").allSatisfy { $0.count <= 76 }, qp)
        XCTAssertEqual(MailMessage.encodedWord("plain"), "plain")
        XCTAssertEqual(MailMessage.encodedWord("Aufgaben für heute"), "=?utf-8?B?" + Data("Aufgaben für heute".utf8).base64EncodedString() + "?=")
    }

    func testCredentialsWithoutTLSAreRefusedBeforeConnecting() {
        let message = MailMessage(from: "a@b.example", to: ["c@d.example"], subject: "s", body: "b", messageId: "1@test")
        XCTAssertThrowsError(try SMTPClient.send(message, with: SMTPSettings(host: "127.0.0.1", port: 1, user: "u", password: "p"))) {
            XCTAssertEqual($0 as? SMTPError, .credentialsWithoutTLS)
        }
    }

    func testAServerThatIsNotThereIsATransientFailure() {
        let message = MailMessage(from: "a@b.example", to: ["c@d.example"], subject: "s", body: "b", messageId: "1@test")
        let port = TestEnvironment.freePort()
        XCTAssertThrowsError(try SMTPClient.send(message, with: SMTPSettings(host: "127.0.0.1", port: port, timeoutSeconds: 2))) { error in
            guard let smtp = error as? SMTPError, case .cannotConnect = smtp else { return XCTFail("\(error)") }
            XCTAssertTrue(smtp.isTransient)
        }
    }

    func testAMessageTravelsWholeToARealSMTPServer() throws {
        let sink = try SMTPSink()
        defer { sink.stop() }
        let body = "Line one\n.a line starting with a dot\nUmlaut: Zürich\n" + String(repeating: "y", count: 120)
        let message = MailMessage(from: "ias@ag.example", to: ["ksd@ag.example", "awa@ag.example"], subject: "Aufgaben für heute",
                                  body: body, messageId: "test-1@ias.digest")
        try SMTPClient.send(message, with: SMTPSettings(host: "127.0.0.1", port: sink.port, timeoutSeconds: 10))
        let received = try XCTUnwrap(eventually(within: 5) { sink.messages().first })
        XCTAssertTrue(received.contains("Message-ID: <test-1@ias.digest>"), received)
        XCTAssertTrue(received.contains("X-RcptTo: ksd@ag.example, awa@ag.example") || received.contains("ksd@ag.example"), received)
        // Decoded as a mail client would: the dot-stuffing undone by the server, the body by quoted-printable.
        let decoded = received.replacingOccurrences(of: "=\n", with: "").replacingOccurrences(of: "=C3=BC", with: "ü")
        XCTAssertTrue(decoded.contains("\n.a line starting with a dot\n"), received)
        XCTAssertTrue(decoded.contains("Umlaut: Zürich"), received)
        XCTAssertTrue(decoded.contains(String(repeating: "y", count: 120)), received)
    }

    // MARK: TLS and AUTH against aiosmtpd

    let message = MailMessage(from: "ias@ag.example", to: ["ksd@ag.example"], subject: "Digest", body: "counts only", messageId: "tls@ias.digest")

    func testOverSTARTTLSWithAuthenticationTheMessageArrives() throws {
        let sink = try SMTPSink(security: "starttls", user: "ias", password: "s3cret")
        defer { sink.stop() }
        try SMTPClient.send(message, with: SMTPSettings(host: "localhost", port: sink.port, security: .startTLS, user: "ias", password: "s3cret",
                                                        caFile: sink.certificate, timeoutSeconds: 10))
        XCTAssertTrue(try XCTUnwrap(eventually(within: 5) { sink.messages().first }).contains("Message-ID: <tls@ias.digest>"))
    }

    func testOverImplicitTLSToAnIPAddressTheMessageArrives() throws {
        let sink = try SMTPSink(security: "tls", user: "ias", password: "s3cret")
        defer { sink.stop() }
        try SMTPClient.send(message, with: SMTPSettings(host: "127.0.0.1", port: sink.port, security: .implicitTLS, user: "ias", password: "s3cret",
                                                        caFile: sink.certificate, timeoutSeconds: 10))
        XCTAssertNotNil(eventually(within: 5) { sink.messages().first })
    }

    func testACertificateNotTrustedIsRefusedAndNothingIsSent() throws {
        let sink = try SMTPSink(security: "starttls")
        defer { sink.stop() }
        // The system's authorities do not know the server's self-signed certificate.
        XCTAssertThrowsError(try SMTPClient.send(message, with: SMTPSettings(host: "localhost", port: sink.port, security: .startTLS,
                                                                             timeoutSeconds: 10))) { error in
            guard case .tls(let reason)? = error as? SMTPError else { return XCTFail("\(error)") }
            XCTAssertTrue(reason.contains("certificate"), reason)
        }
        XCTAssertTrue(sink.messages().isEmpty)
    }

    func testAServerWithoutSTARTTLSIsRefusedWhenTLSIsAskedFor() throws {
        let sink = try SMTPSink()
        defer { sink.stop() }
        XCTAssertThrowsError(try SMTPClient.send(message, with: SMTPSettings(host: "127.0.0.1", port: sink.port, security: .startTLS,
                                                                             timeoutSeconds: 10))) {
            XCTAssertEqual($0 as? SMTPError, .startTLSNotOffered)
        }
        XCTAssertTrue(sink.messages().isEmpty)
    }

    func testAWrongPasswordIsRejectedForGood() throws {
        let sink = try SMTPSink(security: "starttls", user: "ias", password: "s3cret")
        defer { sink.stop() }
        XCTAssertThrowsError(try SMTPClient.send(message, with: SMTPSettings(host: "localhost", port: sink.port, security: .startTLS, user: "ias",
                                                                             password: "wrong", caFile: sink.certificate, timeoutSeconds: 10))) {
            guard case .rejected(let step, let code, _)? = $0 as? SMTPError else { return XCTFail("\($0)") }
            XCTAssertEqual(step, "AUTH"); XCTAssertEqual(code, 535)
            XCTAssertFalse(($0 as? SMTPError)?.isTransient ?? true)
            XCTAssertFalse("\($0)".contains("wrong"), "the password is in the error")
        }
    }
}
