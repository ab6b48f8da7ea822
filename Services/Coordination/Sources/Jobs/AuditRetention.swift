import IASServiceKit

/// The scheduled job that deletes the oldest part of the audit chain past its retention,
/// leaving a retention anchor from which the verification starts.
extension CoordinationApp {
    func purgeAuditTrail() throws {
        let purged = try host.write { try AuditLog.purge(olderThanDays: auditRetentionDays, on: $0) }
        if purged > 0 {
            host.metrics.increment("ias_audit_records_purged_total", help: "Audit records deleted after their retention.", by: Double(purged))
            host.logger.info("audit entries past their retention deleted", ["count": String(purged)])
        }
    }
}
