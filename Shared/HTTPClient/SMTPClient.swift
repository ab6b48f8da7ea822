import Foundation
import Glibc
import IASHTTP
import IASRuntime

/// Where and how mail is handed over. `security`: `.startTLS` (the default: the dialogue
/// moves to TLS before anything but EHLO, and a server that does not offer it is refused),
/// `.implicitTLS` (TLS from the first byte, usually port 465) or `.none` (plain SMTP, for a
/// relay on the same host; credentials are then refused rather than sent in clear).
public struct SMTPSettings: Sendable, Equatable {
    public enum Security: String, Sendable, CaseIterable { case none, startTLS = "starttls", implicitTLS = "tls" }
    public var host: String
    public var port: Int
    public var security: Security
    public var user: String?
    public var password: String?
    /// The authorities the server's certificate must chain to; nil: the system's.
    public var caFile: String?
    /// The name given in EHLO.
    public var clientName: String
    public var timeoutSeconds: Double

    public init(host: String, port: Int, security: Security = .none, user: String? = nil, password: String? = nil, caFile: String? = nil,
                clientName: String = "localhost", timeoutSeconds: Double = 30) {
        self.host = host; self.port = port; self.security = security; self.user = user; self.password = password; self.caFile = caFile
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
    /// The handshake failed or the certificate was not trusted.
    case tls(String)
    /// STARTTLS was asked for, the server does not offer it.
    case startTLSNotOffered
    /// AUTH without TLS would send the password in clear.
    case credentialsWithoutTLS

    public var description: String {
        switch self {
        case .cannotConnect(let reason): "cannot connect: \(reason)"
        case .rejected(let step, let code, let text): "\(step) rejected: \(code) \(text)"
        case .malformedReply(let text): "malformed reply: \(text.prefix(200))"
        case .timedOut(let step): "no reply to \(step) in time"
        case .closed(let step): "the server closed the connection at \(step)"
        case .tls(let reason): "TLS: \(reason)"
        case .startTLSNotOffered: "the server does not offer STARTTLS; refusing to send in clear"
        case .credentialsWithoutTLS: "refusing to send SMTP credentials without TLS"
        }
    }

    /// A 4xx answer or a broken connection is worth another try later; a 5xx is not.
    public var isTransient: Bool {
        switch self {
        case .rejected(_, let code, _): code < 500
        case .credentialsWithoutTLS, .tls, .startTLSNotOffered, .malformedReply: false
        default: true
        }
    }
}

/// The client side of one SMTP dialogue (RFC 5321): greeting, EHLO, STARTTLS and EHLO again
/// (RFC 3207) unless plain or implicit TLS, AUTH PLAIN when credentials are set (RFC 4954, only
/// over TLS), MAIL, RCPT per recipient, DATA with dot-stuffing, QUIT. One message per
/// connection: the digest sends a few a day.
public enum SMTPClient {
    public struct Reply: Equatable, Sendable { public let code: Int; public let lines: [String] }

    public static func send(_ message: MailMessage, with settings: SMTPSettings) throws {
        if settings.security == .none && (settings.user != nil || settings.password != nil) { throw SMTPError.credentialsWithoutTLS }
        let fd: Int32
        do { fd = try TCPConnect.open(host: settings.host, port: settings.port, timeout: settings.timeoutSeconds) } catch {
            throw SMTPError.cannotConnect("\(error)")
        }
        defer { close(fd) }
        let dialogue = Dialogue(SMTPChannel(fd: fd, timeout: settings.timeoutSeconds))
        if settings.security == .implicitTLS { try dialogue.channel.startTLS(host: settings.host, caFile: settings.caFile) }
        try dialogue.expect(220, step: "greeting")
        var extensions = try dialogue.command("EHLO \(settings.clientName)", expect: 250, step: "EHLO").lines.dropFirst()
        if settings.security == .startTLS {
            guard extensions.contains(where: { $0.uppercased() == "STARTTLS" }) else { throw SMTPError.startTLSNotOffered }
            try dialogue.command("STARTTLS", expect: 220, step: "STARTTLS")
            // Anything the server sent beyond its 220 before the handshake could be an injected reply.
            guard dialogue.buffer.isEmpty else { throw SMTPError.malformedReply("data after the STARTTLS reply") }
            try dialogue.channel.startTLS(host: settings.host, caFile: settings.caFile)
            extensions = try dialogue.command("EHLO \(settings.clientName)", expect: 250, step: "EHLO after STARTTLS").lines.dropFirst()
        }
        if let user = settings.user {
            guard dialogue.channel.isEncrypted else { throw SMTPError.credentialsWithoutTLS }
            let token = Data("\0\(user)\0\(settings.password ?? "")".utf8).base64EncodedString()
            try dialogue.command("AUTH PLAIN \(token)", expect: 235, step: "AUTH")
        }
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
        let channel: SMTPChannel
        /// Received, not yet read as reply lines.
        var buffer: [UInt8] = []

        init(_ channel: SMTPChannel) { self.channel = channel }

        func write(_ text: String, step: String) throws { try channel.write(Array(text.utf8), step: step) }

        /// An error names the step, never the line (AUTH carries the credentials).
        @discardableResult
        func command(_ line: String, expect codes: Int..., step: String) throws -> Reply {
            try write(line + "\r\n", step: step)
            return try expect(codes, step: step)
        }

        @discardableResult
        func expect(_ codes: Int..., step: String) throws -> Reply { try expect(codes, step: step) }

        func expect(_ codes: [Int], step: String) throws -> Reply {
            let reply = try read(step: step)
            guard codes.contains(reply.code) else {
                throw SMTPError.rejected(step: step, code: reply.code, text: reply.lines.joined(separator: " "))
            }
            return reply
        }

        /// One reply, lines of at most 1000 bytes (RFC 5321 4.5.3.1.5), at most 100 of them.
        func read(step: String) throws -> Reply {
            let deadline = MonotonicClock.now() + channel.timeout
            var lines: [String] = []
            while lines.count < 100 {
                if let lf = buffer.firstIndex(of: 10) {
                    let end = lf > 0 && buffer[lf - 1] == 13 ? lf - 1 : lf
                    lines.append(String(decoding: buffer[..<end], as: UTF8.self))
                    buffer.removeSubrange(...lf)
                    if let reply = try SMTPClient.parse(lines: lines) { return reply }
                    continue
                }
                guard buffer.count < 1000 else { throw SMTPError.malformedReply("a reply line longer than 1000 bytes") }
                try channel.read(into: &buffer, deadline: deadline, step: step)
            }
            throw SMTPError.malformedReply("more than 100 reply lines")
        }
    }
}
