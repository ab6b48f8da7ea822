import Foundation
import IASRuntime
import IASServiceKit

/// `ias-admin check-consistency`: compares the services' stores, read only, and prints one
/// line per check and a total. Exit code 0 when consistent, 1 on any inconsistency, 2 when
/// a database cannot be read.
///
/// `--max-backlog-seconds` (default 60) is both how long an outbox row may stay unpublished
/// and how long an event may be on its way before its absence counts as missing.
/// `--since` (a timestamp PostgreSQL understands, e.g. 2026-11-21T08:00:00Z) limits the
/// checks to what was created since then.
enum CheckConsistencyCommand {
    static func run(_ opts: CommandLineOptions) -> Int32 {
        let scope = ConsistencyScope(since: opts["since"], graceSeconds: opts.int("max-backlog-seconds", default: 60, minimum: 0)!)
        let snapshot: ConsistencySnapshot
        do {
            snapshot = try ConsistencySnapshot.read(ServiceDatabases.fromEnvironment(), scope)
        } catch {
            CommandLineOptions.printError("check-consistency: \(error)")
            return 2
        }
        let findings = ConsistencyChecks(s: snapshot, scope: scope).all()
        for finding in findings { print(finding.line) }
        let failed = findings.filter { $0.problems > 0 }.count
        print("consistency: \(findings.count) checks, \(failed) inconsistencies")
        return failed == 0 ? 0 : 1
    }
}
