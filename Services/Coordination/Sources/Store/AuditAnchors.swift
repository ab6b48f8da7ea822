import Foundation
import IASPostgres
import IASRuntime

/// The daily anchors of the audit chain: the head (place and hash) on the day the anchoring job
/// first ran, with the number of records appended since the anchor before. A verification
/// checks each against the chain; the copies in the log (and any log archive) let an auditor
/// check the database against facts kept outside it.
enum AuditAnchors {
    struct Anchor: Equatable, Sendable {
        let day: CalendarDate
        let upToSeq: Int64
        let headHash: String
        let records: Int64
    }

    /// Anchors the chain's head for `day` unless that day has its anchor (instances run the job
    /// alike) or the chain holds no record yet; returns the anchor written.
    static func anchor(day: CalendarDate, on c: PostgresConnection) throws -> Anchor? {
        try AuditChain.lock(on: c)
        guard try c.query("SELECT 1 FROM audit.anchors WHERE day = $1", [day]).isEmpty else { return nil }
        let head = try AuditChain.head(on: c)
        guard head.seq > 0 else { return nil }
        let previous = try c.query("SELECT max(up_to_seq) AS seq FROM audit.anchors")[0].optionalInt("seq").map(Int64.init) ?? 0
        let anchor = Anchor(day: day, upToSeq: head.seq, headHash: head.hash, records: head.seq - previous)
        try c.execute("INSERT INTO audit.anchors (day, up_to_seq, head_hash, records) VALUES ($1, $2, $3, $4)",
                      [day, anchor.upToSeq, anchor.headHash, anchor.records])
        return anchor
    }

    /// Every anchor, oldest first.
    static func all(on c: PostgresConnection) throws -> [Anchor] {
        try c.query("SELECT day, up_to_seq, head_hash, records FROM audit.anchors ORDER BY up_to_seq, day").map {
            Anchor(day: try $0.calendarDate("day"), upToSeq: Int64(try $0.int("up_to_seq")), headHash: try $0.string("head_hash"),
                   records: Int64(try $0.int("records")))
        }
    }
}
