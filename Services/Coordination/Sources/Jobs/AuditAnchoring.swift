import IASContracts
import IASRuntime
import IASServiceKit

/// The scheduled job that anchors the audit chain once a day (it runs hourly, so that a day
/// whose first run failed or fell into a restart still gets its anchor). The anchor leaves the
/// database twice, in the same transaction as its row: as `coordination.AuditTrailAnchored` on
/// coordination's topic and, after the commit, in the log (places and a hash, no personal data).
extension CoordinationApp {
    func anchorAuditTrail() throws {
        let written = try host.write { c -> AuditAnchors.Anchor? in
            guard let anchor = try AuditAnchors.anchor(day: CalendarDate.today(), on: c) else { return nil }
            try host.emitter(.own(), on: c).emit(AuditTrailAnchored(day: anchor.day, upToSeq: Int(anchor.upToSeq), headHash: anchor.headHash,
                                                                    records: Int(anchor.records)), subject: AuditTrailAnchored.subject)
            return anchor
        }
        guard let anchor = written else { return }
        host.metrics.increment("ias_audit_anchors_total", help: "Daily anchors of the audit chain written.")
        host.logger.info("audit trail anchored", ["day": anchor.day.description, "upToSeq": String(anchor.upToSeq),
                                                  "headHash": anchor.headHash, "records": String(anchor.records)])
    }
}
