import IASPostgres
import IASRuntime

/// Recomputes the audit chain from where its kept part begins (the latest retention anchor,
/// or the start) and checks every daily anchor against it; stops at the first break.
enum AuditChainVerification {
    struct Break: Equatable, Sendable, CustomStringConvertible {
        enum Kind: String, Sendable {
            /// The record's fields no longer give its hash: changed after it was appended.
            case contentChanged = "content changed"
            /// The record does not name the hash of the one before: removed, inserted or reordered.
            case linkBroken = "link broken"
            /// A place is missing (or records have none).
            case gap
            /// A daily anchor does not match the chain.
            case anchorMismatch = "anchor mismatch"
        }
        let seq: Int64
        let auditId: String?
        let kind: Kind
        let detail: String

        var description: String {
            "first break at seq \(seq)" + (auditId.map { " (audit_id \($0))" } ?? "") + ": \(kind.rawValue): \(detail)"
        }
    }

    struct Report: Equatable, Sendable {
        /// The place after which the kept chain begins (0: never purged).
        var startSeq: Int64 = 0
        var records = 0
        var lastSeq: Int64 = 0
        var anchorsChecked = 0
        /// Anchors of a part of the chain that retention deleted (not checkable any more).
        var anchorsPurged = 0
        var firstBreak: Break?
    }

    /// Reads the chain in pages of `pageSize` records, in the caller's transaction (one snapshot).
    static func verify(on c: PostgresConnection, pageSize: Int = 2_000) throws -> Report {
        var report = Report()
        let start = try AuditChain.retentionStart(on: c)
        report.startSeq = start.seq
        report.lastSeq = start.seq
        var previousHash = start.hash
        var hashes: [Int64: String] = [start.seq: start.hash]
        let anchors = try AuditAnchors.all(on: c)
        let anchoredSeqs = Set(anchors.map(\.upToSeq))
        // The purge deletes before it anchors: a record at or before the anchor means the
        // anchor was written otherwise, and would hide those records from this verification.
        if start.seq > 0, let kept = try c.query("SELECT min(seq) AS seq FROM audit.audit_log WHERE seq <= $1", [start.seq])[0]
            .optionalInt("seq") {
            report.firstBreak = Break(seq: Int64(kept), auditId: nil, kind: .anchorMismatch,
                                      detail: "the record is kept although the retention anchor says the chain was purged up to seq \(start.seq)")
            return report
        }
        scan: while true {
            let rows = try c.query("SELECT \(AuditChain.selectColumns) FROM audit.audit_log WHERE seq > $1 ORDER BY seq LIMIT $2",
                                   [report.lastSeq, pageSize])
            for row in rows {
                let seq = Int64(try row.int("seq"))
                let link = try AuditChain.link(row, seq: seq)
                let stored = try row.string("hash")
                if seq != report.lastSeq + 1 {
                    report.firstBreak = Break(seq: report.lastSeq + 1, auditId: nil, kind: .gap,
                                              detail: "the chain goes from seq \(report.lastSeq) to seq \(seq)")
                    break scan
                }
                if AuditChain.hash(link) != stored {
                    report.firstBreak = Break(seq: seq, auditId: link.auditId, kind: .contentChanged,
                                              detail: "the stored fields give another hash than the one recorded")
                    break scan
                }
                if link.prevHash != previousHash {
                    report.firstBreak = Break(seq: seq, auditId: link.auditId, kind: .linkBroken,
                                              detail: "prev_hash does not name the hash of seq \(seq - 1)")
                    break scan
                }
                previousHash = stored
                report.lastSeq = seq
                report.records += 1
                if anchoredSeqs.contains(seq) { hashes[seq] = stored }
            }
            if rows.count < pageSize { break }
        }
        if report.firstBreak == nil {
            let unchained = try c.query("SELECT audit_id::text AS audit_id FROM audit.audit_log WHERE seq IS NULL ORDER BY at, audit_id LIMIT 1")
            if let row = unchained.first {
                report.firstBreak = Break(seq: report.lastSeq + 1, auditId: try row.string("audit_id"), kind: .gap,
                                          detail: "a record has no place in the chain")
            }
        }
        checkAnchors(anchors, hashes: hashes, into: &report)
        return report
    }

    /// Each anchor must name the hash the chain has at its place; an anchor beyond the verified
    /// end says the chain lost its end (a break before it is reported first).
    private static func checkAnchors(_ anchors: [AuditAnchors.Anchor], hashes: [Int64: String], into report: inout Report) {
        var previous: Int64?
        for anchor in anchors {
            defer { previous = anchor.upToSeq }
            if anchor.upToSeq < report.startSeq { report.anchorsPurged += 1; continue }
            guard report.firstBreak == nil else { continue }
            if let previous, anchor.records != anchor.upToSeq - previous {
                report.firstBreak = Break(seq: anchor.upToSeq, auditId: nil, kind: .anchorMismatch,
                                          detail: "the anchor of \(anchor.day) counts \(anchor.records) records, the chain \(anchor.upToSeq - previous)")
            } else if let hash = hashes[anchor.upToSeq] {
                if hash != anchor.headHash {
                    report.firstBreak = Break(seq: anchor.upToSeq, auditId: nil, kind: .anchorMismatch,
                                              detail: "the anchor of \(anchor.day) names another hash than the chain has there")
                }
            } else {
                report.firstBreak = Break(seq: anchor.upToSeq, auditId: nil, kind: .anchorMismatch,
                                          detail: "the anchor of \(anchor.day) names seq \(anchor.upToSeq), the chain ends at \(report.lastSeq)")
            }
            if report.firstBreak == nil { report.anchorsChecked += 1 }
        }
    }
}
