import Foundation
import IASHTTPClient
import IASRuntime
import IASServiceKit

/// The scheduled job that mails each configured organisation its daily digest, once the
/// day's send hour (UTC) has come. It runs every `IAS_DIGEST_CHECK_SECONDS`: a digest whose
/// sending failed for a passing reason (server down, 4xx) is tried again at the next run the
/// same day; one the server refused for good (5xx) is not. The claim in `mail_digests` is
/// committed before the mail leaves, so several instances and restarts send it at most once.
extension CoordinationApp {
    /// A claim older than this was left by an instance that stopped while sending.
    static let abandonedDigestSeconds = 600

    func sendDigests(now: Date = Date()) throws {
        guard let smtp = digest.smtp, !digest.mailboxes.isEmpty else { return }
        let day = CalendarDate(utcDayOf: now)
        for org in try host.write({ try MailDigests.abandon(olderThan: Self.abandonedDigestSeconds, on: $0) }) {
            count("unknown")
            host.logger.warning("digest outcome unknown: the sending instance stopped; not sent again", ["org": org])
        }
        guard Calendar.utc.component(.hour, from: now) >= digest.sendHourUTC else { return }
        for mailbox in digest.mailboxes {
            let org = mailbox.org
            // Claimed and counted in one transaction, committed before the mail leaves.
            let counts = try host.write { c -> [TaskStore.KindCount]? in
                guard try MailDigests.claim(org: org, day: day, on: c) else { return nil }
                return try TaskStore.openCounts(assignee: org, today: day, dueWithinDays: Digest.dueWithinDays, on: c)
            }
            guard let counts else { continue }
            let message = Digest.message(org: org, day: day, counts: counts, language: mailbox.language, texts: digest.texts,
                                         portalURL: digest.portalURL, from: digest.from, to: mailbox.address,
                                         messageId: "\(Identifier())@ias.digest")
            var status = "sent", failure: String?
            do { try SMTPClient.send(message, with: smtp) } catch let error as SMTPError {
                status = error.isTransient ? "failed" : "rejected"
                failure = error.description
            } catch {
                status = "failed"; failure = "\(error)"
            }
            try host.write { try MailDigests.finish(org: org, day: day, status: status, error: failure, on: $0) }
            count(status)
            if let failure {
                host.logger.warning("digest not sent", ["org": org, "outcome": status, "reason": failure,
                                                        "retry": status == "failed" ? "at the next run today" : "no"])
            } else {
                host.logger.info("digest sent", ["org": org, "day": day.description])
            }
        }
    }

    private func count(_ outcome: String) {
        host.metrics.increment("ias_digest_mails_total", help: "Daily digest mails by outcome (sent, failed and retried, rejected, unknown).",
                               labels: ["outcome": outcome])
    }
}

extension Calendar {
    static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()
}
