import Foundation
import IASPostgres
import IASRuntime
import TestSupport
import XCTest

/// The audit trail as operators see it: records of real requests flow into coordination's
/// chain, `ias-admin verify-audit-trail` finds it intact and names the exact place of a record
/// changed by hand, and coordination's runtime role (the user of its IAS_DATABASE_URL; the
/// owner ran the migrations) may append to and read the trail but neither change nor delete it.
final class AuditTrailEndToEndTests: StackTestCase {
    override class func startStack() -> TestStack { .running(["intake", "coordination"]) }

    private var worker: CaseWorker { CaseWorker(stack: Self.stack) }

    /// `ias-admin verify-audit-trail` in coordination's environment, as an operator runs it.
    private func verify() throws -> ToolRun {
        try ToolRun.run("ias-admin", ["verify-audit-trail"],
                        environment: try TestEnvironment.serviceEnvironment("coordination", port: 0, instance: "verify-e2e"))
    }

    /// The places in the chain of the records about `caseId`, once coordination has them.
    private func chained(_ caseId: String, atLeast n: Int) throws -> [Int]? {
        try eventually(within: 30, every: 0.2) { () -> [Int]? in
            let seqs = try TestDatabase.withConnection(to: "ias_coordination") { c in
                try c.query("SELECT seq FROM audit.audit_log WHERE case_id = $1::uuid ORDER BY seq", [caseId]).map { try $0.int("seq") }
            }
            return seqs.count >= n ? seqs : nil
        }
    }

    func testRecordsOfRequestsAreChainedAndAHandChangeIsFoundAtItsPlace() throws {
        let caseId = try worker.register(.sample(givenName: "Audit")).caseId
        for _ in 0..<3 { _ = try worker.dossier(caseId, within: 20) }
        let seqs = try XCTUnwrap(try chained(caseId, atLeast: 3), "the reads never reached the audit trail")

        let intact = try verify()
        XCTAssertEqual(intact.status, 0, intact.text)
        XCTAssertTrue(intact.output.contains("verify-audit-trail: intact:"), intact.text)

        // A field changed by hand (as the superuser, past every grant) shows at exactly its place.
        let target = seqs[1]
        let route = try TestDatabase.withConnection(to: "ias_coordination") { c -> String in
            let route = try c.query("SELECT route FROM audit.audit_log WHERE seq = $1", [target])[0].string("route")
            _ = try c.execute("UPDATE audit.audit_log SET route = '/cases' WHERE seq = $1", [target])
            return route
        }
        // Put back at the end, so that the classes after this one find the trail as it was.
        defer {
            XCTAssertNoThrow(try TestDatabase.withConnection(to: "ias_coordination") { c in
                _ = try c.execute("UPDATE audit.audit_log SET route = $2 WHERE seq = $1", [target, route])
            })
        }
        let broken = try verify()
        XCTAssertEqual(broken.status, 1, broken.text)
        XCTAssertTrue(broken.output.contains("first break at seq \(target) "), broken.text)
        XCTAssertTrue(broken.output.contains("content changed"), broken.text)

        try TestDatabase.withConnection(to: "ias_coordination") { c in
            _ = try c.execute("UPDATE audit.audit_log SET route = $2 WHERE seq = $1", [target, route])
        }
        let repaired = try verify()
        XCTAssertEqual(repaired.status, 0, repaired.text)
    }

    func testTheRuntimeRoleMayAppendAndReadTheTrailButNotChangeOrDeleteIt() throws {
        let caseId = try worker.register(.sample(givenName: "Granted")).caseId
        _ = try worker.dossier(caseId, within: 20)
        XCTAssertNotNil(try chained(caseId, atLeast: 1))
        let environment = try TestEnvironment.serviceEnvironment("coordination", port: 0, instance: "role-e2e")
        let runtime = PostgresPool(configuration: PostgresConfiguration(url: try XCTUnwrap(environment["IAS_DATABASE_URL"])),
                                   logger: TestDatabase.logger)
        defer { runtime.close() }
        XCTAssertEqual(try runtime.withConnection { try $0.query("SELECT current_user::text AS r")[0].string("r") }, "ias_coordination")

        // Reading and appending work (the append is rolled back, so that the chain stays as coordination wrote it).
        XCTAssertGreaterThan(try runtime.withConnection { try $0.query("SELECT count(*) AS n FROM audit.audit_log")[0].int("n") }, 0)
        struct RolledBack: Error {}
        XCTAssertThrowsError(try runtime.transaction { c in
            // Coordination appends concurrently (the reads above are audited): take its append lock
            // (AuditChain.lockKey), as every append does, so that seq max + 1 is still free.
            try c.execute("SELECT pg_advisory_xact_lock($1)", [Int64(0x1A5_A0D1_7C4A)])
            let inserted = try c.execute("""
                INSERT INTO audit.audit_log (audit_id, service, subject, org, roles, action, method, route, status, request_id, at,
                                             seq, prev_hash, hash)
                SELECT gen_random_uuid(), 'coordination', 'probe', 'canton:KSD', '[]', 'read', 'GET', '/probe', 200, 'probe', now(),
                       max(seq) + 1, max(hash), repeat('0', 64) FROM audit.audit_log
                """)
            XCTAssertEqual(inserted, 1)
            throw RolledBack()
        }) { XCTAssertTrue($0 is RolledBack, "the INSERT was refused: \($0)") }

        // Changing and deleting are refused by PostgreSQL.
        for statement in ["UPDATE audit.audit_log SET route = '/cases' WHERE case_id = '\(caseId)'",
                          "DELETE FROM audit.audit_log WHERE case_id = '\(caseId)'",
                          "TRUNCATE audit.audit_log",
                          "DELETE FROM audit.anchors", "DELETE FROM audit.retention_anchors"] {
            XCTAssertThrowsError(try runtime.withConnection { try $0.execute(statement) }, statement) { error in
                XCTAssertTrue(String(describing: error).contains("permission denied"), "\(statement): \(error)")
            }
        }
        // Nor may it change the schema: it owns nothing there.
        XCTAssertThrowsError(try runtime.withConnection { try $0.execute("ALTER TABLE audit.audit_log DROP COLUMN hash") }) { error in
            XCTAssertTrue(String(describing: error).contains("must be owner"), String(describing: error))
        }
        // The purge, the only way records leave, runs through the owner's function and keeps a year at least.
        XCTAssertEqual(try runtime.withConnection { try $0.query("SELECT audit.purge_chain(0) AS n")[0].int("n") }, 0)
        XCTAssertNotNil(try chained(caseId, atLeast: 1))

        // Its service tables stay its own to change.
        XCTAssertNoThrow(try runtime.transaction { c in _ = try c.execute("DELETE FROM tasks WHERE false") })
    }
}
