import Foundation
import Glibc
import IASHTTP
import IASRuntime

/// Where and how mail is handed over. `security`: `.none` (plain SMTP, for a relay on the
/// same host or network), `.startTLS` or `.implicitTLS` — this build has no TLS transport and
/// refuses both before it connects (`SMTPError.tlsUnavailable`), so that a configuration asking
/// for encryption never silently sends in clear.
public struct SMTPSettings: Sendable, Equatable {
    public enum Security: String, Sendable, CaseIterable { case none, startTLS = "starttls", implicitTLS = "tls" }
    public var host: String
    public var port: Int
    public var security: Security
    public var user: String?
    public var password: String?
    /// The name given in EHLO.
    public var clientName: String
    public var timeoutSeconds: Double

    public init(host: String, port: Int, security: Security = .none, user: String? = nil, password: String? = nil,
                clientName: String = "localhost", timeoutSeconds: Double = 30) {
        self.host = host; self.port = port; self.security = security; self.user = user; self.password = password
        self.clientName = clientName; self.timeoutSeconds = timeoutSeconds
    }
}

public enum SMTPError: Error, Equatable, CustomStringConvertible {
    case cannotConnect(String)
    /// The server answered `code` where the step expected something else.
    case rejected(step: String, code: Int, text: String)
    case malformedReply(String)
    case timedOut(step: String)
    case closed(step: String)
    case tlsUnavailable
    /// AUTH without TLS would send the password in clear.
    case credentialsWithoutTLS

    public var description: String {
        switch self {
        case .cannotConnect(let reason): "cannot connect: \(reason)"
        case .rejected(let step, let code, let text): "\(step) rejected: \(code) \(text)"
        case .malformedReply(let text): "malformed reply: \(text.prefix(200))"
        case .timedOut(let step): "no reply to \(step) in time"
        case .closed(let step): "the server closed the connection at \(step)"
        case .tlsUnavailable: "TLS (STARTTLS or implicit) is not available in this build; use security none toward a local relay"
        case .credentialsWithoutTLS: "refusing to send SMTP credentials without TLS"
        }
    }

    /// A 4xx answer or a broken connection is worth another try later; a 5xx is not.
    public var isTransient: Bool {
        switch self {
        case .rejected(_, let code, _): code < 500
        case .credentialsWithoutTLS, .tlsUnavailable, .malformedReply: false
        default: true
        }
    }
}

/// The client side of one SMTP dialogue (RFC 5321): greeting, EHLO, AUTH PLAIN when
/// credentials are set, MAIL, RCPT per recipient, DATA with dot-stuffing, QUIT. One message per
/// connection: the digest sends a few a day.
public enum SMTPClient {
    public struct Reply: Equatable, Sendable { public let code: Int; public let lines: [String] }

    public static func send(_ message: MailMessage, with settings: SMTPSettings) throws {
        guard settings.security == .none else { throw SMTPError.tlsUnavailable }
        if settings.user != nil { throw SMTPError.credentialsWithoutTLS }
        let fd: Int32
        do { fd = try TCPConnect.open(host: settings.host, port: settings.port, timeout: settings.timeoutSeconds) } catch {
            throw SMTPError.cannotConnect("\(error)")
        }
        defer { close(fd) }
        let dialogue = Dialogue(fd: fd, timeout: settings.timeoutSeconds)
        try dialogue.expect(220, step: "greeting")
        try dialogue.command("EHLO \(settings.clientName)", expect: 250, step: "EHLO")
        try dialogue.command("MAIL FROM:<\(try address(message.from))>", expect: 250, step: "MAIL FROM")
        for recipient in message.to {
            try dialogue.command("RCPT TO:<\(try address(recipient))>", expect: 250, 251, step: "RCPT TO")
        }
        try dialogue.command("DATA", expect: 354, step: "DATA")
        try dialogue.write(dotStuffed(message.rendered) + ".\r\n", step: "message")
        try dialogue.expect(250, step: "end of data")
        // The message is accepted; a failing QUIT changes nothing.
        _ = try? dialogue.command("QUIT", expect: 221, step: "QUIT")
    }

    /// A mailbox without anything that could end the command line or the angle brackets.
    public static func address(_ text: String) throws -> String {
        guard !text.isEmpty, text.unicodeScalars.allSatisfy({ $0.value > 32 && $0.value < 127 && $0 != "<" && $0 != ">" }),
              text.contains("@") else { throw SMTPError.malformedReply("not a mailbox: \(text)") }
        return text
    }

    /// RFC 5321 4.5.2: a line starting with "." gets another one; the text ends with CRLF.
    public static func dotStuffed(_ text: String) -> String {
        var lines = text.components(separatedBy: "\r\n")
        if lines.last == "" { lines.removeLast() }
        return lines.map { $0.hasPrefix(".") ? "." + $0 : $0 }.joined(separator: "\r\n") + "\r\n"
    }

    /// Parses one reply: lines "250-text" go on, "250 text" ends it; all with the same code.
    public static func parse(lines: [String]) throws -> Reply? {
        guard let last = lines.last else { return nil }
        func code(_ line: String) throws -> Int {
            guard line.utf8.count >= 3, let n = Int(line.prefix(3)), (200...599).contains(n) else { throw SMTPError.malformedReply(line) }
            return n
        }
        let n = try code(last)
        if last.count > 3 && last[last.index(last.startIndex, offsetBy: 3)] == "-" { return nil }
        for line in lines where try code(line) != n { throw SMTPError.malformedReply(line) }
        return Reply(code: n, lines: lines.map { String($0.dropFirst(4)) })
    }

    final class Dialogue {
        let fd: Int32
        let input: SocketInput
        let timeout: Double

        init(fd: Int32, timeout: Double) {
            self.fd = fd; self.timeout = timeout; input = SocketInput(fd: fd, initialCapacity: 4096)
        }

        func write(_ text: String, step: String) throws {
            guard SocketOutput.sendAll(fd, Array(text.utf8), timeout: timeout) else { throw SMTPError.closed(step: step) }
        }

        func command(_ line: String, expect codes: Int..., step: String) throws {
            try write(line + "\r\n", step: step)
            try expect(codes, step: step)
        }

        func expect(_ codes: Int..., step: String) throws { try expect(codes, step: step) }

        func expect(_ codes: [Int], step: String) throws {
            let reply = try read(step: step)
            guard codes.contains(reply.code) else {
                throw SMTPError.rejected(step: step, code: reply.code, text: reply.lines.joined(separator: " "))
            }
        }

        /// One reply, lines of at most 1000 bytes (RFC 5321 4.5.3.1.5), at most 100 of them.
        func read(step: String) throws -> Reply {
            let deadline = MonotonicClock.now() + timeout
            var lines: [String] = []
            while lines.count < 100 {
                let found: (line: String, length: Int)? = input.withUnread { bytes in
                    guard let lf = bytes.firstIndex(of: 10) else { return nil }
                    let end = lf > 0 && bytes[lf - 1] == 13 ? lf - 1 : lf
                    return (String(decoding: UnsafeBufferPointer(rebasing: bytes[..<end]), as: UTF8.self), lf + 1)
                }
                if let (line, length) = found {
                    input.consume(length)
                    lines.append(line)
                    if let reply = try SMTPClient.parse(lines: lines) { return reply }
                    continue
                }
                guard input.count < 1000 else { throw SMTPError.malformedReply("a reply line longer than 1000 bytes") }
                do { try input.fill(deadline: deadline) } catch SocketInput.Failure.timedOut { throw SMTPError.timedOut(step: step) } catch {
                    throw SMTPError.closed(step: step)
                }
            }
            throw SMTPError.malformedReply("more than 100 reply lines")
        }
    }
}
