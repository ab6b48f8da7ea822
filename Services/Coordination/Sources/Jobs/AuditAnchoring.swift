import IASRuntime
import IASServiceKit

/// The scheduled job that anchors the audit chain once a day (it runs hourly, so that a day
/// whose first run failed or fell into a restart still gets its anchor). The anchor is logged
/// with its facts (places and a hash, no personal data), so that a copy leaves the database.
extension CoordinationApp {
    func anchorAuditTrail() throws {
        guard let anchor = try host.write({ try AuditAnchors.anchor(day: CalendarDate.today(), on: $0) }) else { return }
        host.metrics.increment("ias_audit_anchors_total", help: "Daily anchors of the audit chain written.")
        host.logger.info("audit trail anchored", ["day": anchor.day.description, "upToSeq": String(anchor.upToSeq),
                                                  "headHash": anchor.headHash, "records": String(anchor.records)])
    }
}
