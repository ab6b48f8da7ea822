import IASPostgres
import IASRuntime

/// The record of each organisation's daily digest (`mail_digests`). A digest is claimed in a
/// committed transaction before the mail leaves: whoever claims it sends it, nobody else.
enum MailDigests {
    /// Claims the digest of `org` for `day` when it is still to send (new, or failed before);
    /// false when it was sent, is being sent, or cannot be sent any more.
    static func claim(org: String, day: CalendarDate, on c: PostgresConnection) throws -> Bool {
        try c.execute("INSERT INTO mail_digests (org, day, status) VALUES ($1, $2, 'pending') ON CONFLICT (org, day) DO NOTHING", [org, day])
        return try c.execute("""
            UPDATE mail_digests SET status = 'sending', attempts = attempts + 1, claimed_at = now()
            WHERE org = $1 AND day = $2 AND status IN ('pending', 'failed')
            """, [org, day]) == 1
    }

    static func finish(org: String, day: CalendarDate, status: String, error: String?, on c: PostgresConnection) throws {
        try c.execute("""
            UPDATE mail_digests SET status = $3, last_error = $4, sent_at = CASE WHEN $3 = 'sent' THEN now() END
            WHERE org = $1 AND day = $2 AND status = 'sending'
            """, [org, day, status, error])
    }

    /// Digests claimed longer than `seconds` ago and never finished: the instance stopped
    /// while sending. Whether the mail left is unknown; it is not sent again (at most once).
    static func abandon(olderThan seconds: Int, on c: PostgresConnection) throws -> [String] {
        try c.query("""
            UPDATE mail_digests SET status = 'unknown', last_error = 'the sending instance stopped before the outcome was recorded'
            WHERE status = 'sending' AND claimed_at < now() - make_interval(secs => $1) RETURNING org
            """, [seconds]).map { try $0.string("org") }
    }
}
