import IASServiceKit

/// The scheduled job that deletes audit entries past their retention.
extension CoordinationApp {
    func purgeAuditTrail() throws {
        let purged = try host.write { try AuditLog.purge(olderThanDays: auditRetentionDays, on: $0) }
        if purged > 0 { host.logger.info("audit entries past their retention deleted", ["count": String(purged)]) }
    }
}
