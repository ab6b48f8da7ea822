import Foundation
import IASHTTP
import IASRuntime

/// A plain-text e-mail as the digest sends it: UTF-8 body (quoted-printable), an encoded-word
/// subject, and the headers a mail client needs to show and thread it.
public struct MailMessage: Sendable {
    public var from: String
    public var to: [String]
    public var subject: String
    public var body: String
    public var date: Date
    /// The body's language (`Content-Language`, e.g. "de"), when known.
    public var language: String?
    public var messageId: String

    public init(from: String, to: [String], subject: String, body: String, date: Date = Date(), language: String? = nil, messageId: String) {
        self.from = from; self.to = to; self.subject = subject; self.body = body; self.date = date; self.language = language
        self.messageId = messageId
    }

    /// The message as SMTP's DATA carries it: CRLF line ends, no line longer than 76 characters
    /// in the body, before dot-stuffing (`SMTPClient` does that).
    public var rendered: String {
        var headers = [
            "From: \(from)",
            "To: \(to.joined(separator: ", "))",
            "Subject: \(Self.encodedWord(subject))",
            "Date: \(HTTPDate.rfc5322(Int(date.timeIntervalSince1970.rounded(.down))))",
            "Message-ID: <\(messageId)>",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: quoted-printable",
        ]
        if let language { headers.append("Content-Language: \(language)") }
        headers.append("")
        return headers.joined(separator: "\r\n") + "\r\n" + Self.quotedPrintable(body)
    }

    /// RFC 2047: ASCII subjects as they are, others as one base64 encoded-word per 45 bytes.
    static func encodedWord(_ text: String) -> String {
        if text.unicodeScalars.allSatisfy({ $0.value >= 32 && $0.value < 127 }) { return text }
        let bytes = Array(text.utf8)
        var words: [String] = [], start = 0
        while start < bytes.count {
            var end = min(start + 45, bytes.count)
            // Never split a UTF-8 sequence between two words.
            while end < bytes.count && bytes[end] & 0xC0 == 0x80 { end -= 1 }
            words.append("=?utf-8?B?" + Data(bytes[start..<end]).base64EncodedString() + "?=")
            start = end
        }
        return words.joined(separator: "\r\n ")
    }

    /// RFC 2045 quoted-printable with CRLF line ends and soft breaks before 76 characters.
    static func quotedPrintable(_ text: String) -> String {
        let lines = text.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false)
        return lines.map { line -> String in
            var out: [UInt8] = [], width = 0
            let bytes = Array(line.utf8)
            for (i, byte) in bytes.enumerated() {
                let last = i == bytes.count - 1
                let plain = (byte >= 33 && byte <= 126 && byte != 61) || ((byte == 32 || byte == 9) && !last)
                let size = plain ? 1 : 3
                if width + size > 75 { out += "=\r\n".utf8; width = 0 }
                if plain {
                    out.append(byte)
                } else {
                    out.append(UInt8(ascii: "="))
                    HexDigit.append(byte, to: &out, uppercase: true)
                }
                width += size
            }
            return String(decoding: out, as: UTF8.self)
        }.joined(separator: "\r\n") + "\r\n"
    }
}
