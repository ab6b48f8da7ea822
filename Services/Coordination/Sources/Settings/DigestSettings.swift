import Foundation
import IASHTTPClient
import IASRuntime

/// The daily digest mail (README, "Daily digest"): which organisation's mailbox gets it, from
/// which SMTP server, when. Off while `IAS_SMTP_HOST` or the mailboxes are empty.
///
/// Mailboxes: `IAS_DIGEST_MAILBOXES` ("org=address,org=address") and/or the file named by
/// `IAS_DIGEST_MAILBOXES_FILE` (one "org=address" a line, # comments); "org=address;fr" gives a
/// mailbox its own language, the others get `IAS_DIGEST_LANGUAGE` (de). The SMTP password comes
/// only from the file named by `IAS_SMTP_PASSWORD_FILE` (a mounted secret), and is sent only
/// over TLS.
struct DigestSettings: Sendable {
    struct Mailbox: Sendable, Equatable {
        let org: String
        let address: String
        let language: Language
    }

    let mailboxes: [Mailbox]
    let smtp: SMTPSettings?
    let from: String
    let portalURL: String
    let sendHourUTC: Int
    let checkSeconds: Double
    let texts: TextCatalogue

    var enabled: Bool { smtp != nil && !mailboxes.isEmpty }

    static func read(from reader: ConfigurationReader) -> DigestSettings {
        let host = reader.string("IAS_SMTP_HOST", default: "")
        let port = reader.int("IAS_SMTP_PORT", default: 25, range: 1...65_535)
        let securityText = reader.string("IAS_SMTP_SECURITY", default: "starttls")
        let user = reader.string("IAS_SMTP_USER", default: "")
        let passwordFile = reader.string("IAS_SMTP_PASSWORD_FILE", default: "")
        let caFile = reader.string("IAS_SMTP_CA_FILE", default: "")
        let timeout = reader.double("IAS_SMTP_TIMEOUT_SECONDS", default: 30, range: 1...300)
        let from = reader.string("IAS_SMTP_FROM", default: "ias-noreply@localhost")
        let portalURL = reader.string("IAS_DIGEST_PORTAL_URL", default: "http://127.0.0.1:8080")
        let sendHour = reader.int("IAS_DIGEST_SEND_HOUR_UTC", default: 5, range: 0...23)
        let check = reader.double("IAS_DIGEST_CHECK_SECONDS", default: 300, range: 1...86_400)
        let inline = reader.string("IAS_DIGEST_MAILBOXES", default: "")
        let file = reader.string("IAS_DIGEST_MAILBOXES_FILE", default: "")
        let language = Language(rawValue: reader.choice("IAS_DIGEST_LANGUAGE", default: Language.fallback.rawValue,
                                                        allowed: Language.allCases.map(\.rawValue))) ?? .fallback
        var texts = TextCatalogue(tables: [:])
        do { texts = try Digest.texts() } catch { reader.report("\(error)") }

        var entries = inline.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        if !file.isEmpty {
            if let text = try? String(contentsOfFile: file, encoding: .utf8) {
                entries += text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
                    .filter { !$0.isEmpty && !$0.hasPrefix("#") }
            } else { reader.report("IAS_DIGEST_MAILBOXES_FILE=\(file) cannot be read") }
        }
        var mailboxes: [Mailbox] = []
        for entry in entries where !entry.isEmpty {
            if let mailbox = Mailbox(entry, language: language) {
                mailboxes.append(mailbox)
            } else {
                reader.report("digest mailbox \"\(entry.prefix(100))\" is not org=address or org=address;language "
                              + "(e.g. municipality:4001=tasks@aarau.example, municipality:2196=taches@fribourg.example;fr)")
            }
        }

        guard let security = SMTPSettings.Security(rawValue: securityText) else {
            reader.report("IAS_SMTP_SECURITY=\(securityText) must be one of none, starttls, tls")
            return DigestSettings(mailboxes: mailboxes, smtp: nil, from: from, portalURL: portalURL, sendHourUTC: sendHour, checkSeconds: check,
                                  texts: texts)
        }
        var smtp: SMTPSettings?
        if !host.isEmpty {
            var password: String?
            if !passwordFile.isEmpty {
                if let text = try? String(contentsOfFile: passwordFile, encoding: .utf8) {
                    password = text.trimmingCharacters(in: .newlines)
                } else { reader.report("IAS_SMTP_PASSWORD_FILE=\(passwordFile) cannot be read") }
            }
            if security == .none && (!user.isEmpty || password != nil) {
                reader.report("IAS_SMTP_USER / IAS_SMTP_PASSWORD_FILE need IAS_SMTP_SECURITY starttls or tls: the password would travel in clear")
            }
            smtp = SMTPSettings(host: host, port: port, security: security, user: user.isEmpty ? nil : user, password: password,
                                caFile: caFile.isEmpty ? nil : caFile, clientName: ProcessInfo.processInfo.hostName, timeoutSeconds: timeout)
        }
        if !from.contains("@") { reader.report("IAS_SMTP_FROM=\(from) is not a mailbox") }
        return DigestSettings(mailboxes: mailboxes, smtp: smtp, from: from, portalURL: portalURL, sendHourUTC: sendHour, checkSeconds: check,
                              texts: texts)
    }

    /// Off (tests in process).
    static var standard: DigestSettings { read(from: ConfigurationReader(environment: [:])) }
}

extension DigestSettings.Mailbox {
    /// "org=address" or "org=address;language"; nil when it is neither.
    init?(_ entry: String, language defaultLanguage: Language) {
        let parts = entry.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, Organisation(parts[0]) != nil else { return nil }
        let addressAndLanguage = parts[1].split(separator: ";", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
        var language = defaultLanguage
        if addressAndLanguage.count == 2 {
            guard let chosen = Language(rawValue: addressAndLanguage[1]) else { return nil }
            language = chosen
        }
        guard (try? SMTPClient.address(addressAndLanguage[0])) != nil else { return nil }
        self.init(org: parts[0], address: addressAndLanguage[0], language: language)
    }
}
