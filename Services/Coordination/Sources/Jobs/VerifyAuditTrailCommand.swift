import Foundation
import IASPostgres
import IASRuntime
import IASServiceKit

/// `ias-admin verify-audit-trail`: recomputes coordination's audit chain from its latest
/// retention anchor and checks every daily anchor (README, "Verifying the audit trail").
/// Reads coordination's environment (IAS_DATABASE_URL), in one read-only snapshot; it changes nothing.
///
/// Exit codes: 0 intact, 1 a break (the first is printed), 2 wrong command line, configuration
/// or database unusable.
public enum VerifyAuditTrailCommand {
    public static let name = "verify-audit-trail"
    static let usage = "usage: ias-admin verify-audit-trail"

    public static func run(_ arguments: [String]) -> Int32 {
        do {
            _ = try CommandLineOptions.parsing(arguments, flags: [], known: [])
        } catch {
            CommandLineOptions.printError("\(name): \(error)\n\(usage)")
            return 2
        }
        let report: AuditChainVerification.Report
        do {
            let settings = try ServiceConfiguration.load(service: "coordination", defaultPort: 8085)
            var configuration = settings.database
            configuration.poolSize = 1
            configuration.applicationName = "ias-admin"
            // A long trail is read whole: more than a request's 15 s.
            configuration.statementTimeoutMs = 30 * 60 * 1000
            let pool = PostgresPool(configuration: configuration, logger: Logger(label: "coordination", minimumLevel: .warning))
            defer { pool.close() }
            report = try pool.transaction(isolation: .repeatableRead) { c in
                try c.execute("SET TRANSACTION READ ONLY")
                return try AuditChainVerification.verify(on: c)
            }
        } catch {
            CommandLineOptions.printError("\(name): \(error)")
            return 2
        }
        let counts = "\(report.records) records (seq \(report.startSeq + 1) to \(report.lastSeq)), \(report.anchorsChecked) anchors checked"
            + (report.anchorsPurged > 0 ? ", \(report.anchorsPurged) anchors of purged records" : "")
            + (report.startSeq > 0 ? ", verified from the retention anchor at seq \(report.startSeq)" : "")
        if let found = report.firstBreak {
            print("\(name): BROKEN: \(found); \(counts) before it")
            return 1
        }
        print("\(name): intact: \(counts)")
        return 0
    }
}
