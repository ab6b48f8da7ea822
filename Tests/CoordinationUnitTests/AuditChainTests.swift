@testable import CoordinationService
import Foundation
import XCTest

/// The canonical form the audit chain hashes: the same record always gives the same bytes,
/// and every field (its place and the link to the one before included) changes them.
final class AuditChainTests: XCTestCase {
    static let record = AuditChain.Link(
        seq: 7, auditId: "5f0c6a3e-0a55-4d7e-9c1e-2b9c8a6f1d01", service: "intake", subject: "u-1", org: "municipality:4001",
        roles: ["caseworker", "approver"], action: "read", method: "GET", route: "/cases/{caseId}",
        caseId: "7b1d2a4c-1111-4c2a-8d3e-0f1e2d3c4b5a", personId: "0c9e8d7f-2222-4e1f-9a0b-1c2d3e4f5a6b", status: 200,
        requestId: "req-1", at: "2026-05-01T12:34:56.123456Z",
        disclosedCaseIds: ["aaaaaaaa-0000-4000-8000-000000000002", "aaaaaaaa-0000-4000-8000-000000000001"],
        disclosedPersonIds: ["bbbbbbbb-0000-4000-8000-000000000001"], query: ["status": "open", "org": "municipality:4001"],
        prevHash: String(repeating: "ab", count: 32))

    func testTheFormIsOneFixedJSONArrayAndTheHashIsItsSHA256() {
        let form = String(decoding: AuditChain.canonicalForm(Self.record), as: UTF8.self)
        XCTAssertEqual(form, """
            ["ias.audit.v1","7","5f0c6a3e-0a55-4d7e-9c1e-2b9c8a6f1d01","intake","u-1","municipality:4001",["caseworker","approver"],\
            "read","GET","/cases/{caseId}","7b1d2a4c-1111-4c2a-8d3e-0f1e2d3c4b5a","0c9e8d7f-2222-4e1f-9a0b-1c2d3e4f5a6b","200","req-1",\
            "2026-05-01T12:34:56.123456Z",["aaaaaaaa-0000-4000-8000-000000000001","aaaaaaaa-0000-4000-8000-000000000002"],\
            ["bbbbbbbb-0000-4000-8000-000000000001"],{"org":"municipality:4001","status":"open"},"\(Self.record.prevHash)"]
            """)
        // The SHA-256 of exactly these bytes, computed apart (Python's hashlib).
        XCTAssertEqual(AuditChain.hash(Self.record), "eb4e6c3263e98d06fa65b0f7280d5e1d574a7633cb2c10aa5658efd07a91e1a0")
    }

    func testTheOrderOfIdentifierSetsAndQueryMembersDoesNotCount() {
        var shuffled = Self.record
        shuffled.disclosedCaseIds.reverse()
        shuffled.disclosedCaseIds.append(shuffled.disclosedCaseIds[0])   // PostgreSQL keeps them distinct
        shuffled.query = ["org": "municipality:4001", "status": "open"]
        XCTAssertEqual(AuditChain.hash(shuffled), AuditChain.hash(Self.record))
    }

    func testEveryFieldCounts() {
        let changes: [(String, (inout AuditChain.Link) -> Void)] = [
            ("seq", { $0.seq += 1 }), ("auditId", { $0.auditId = "5f0c6a3e-0a55-4d7e-9c1e-2b9c8a6f1d02" }),
            ("service", { $0.service = "plan" }), ("subject", { $0.subject = "u-2" }), ("org", { $0.org = "canton:KSD" }),
            ("roles", { $0.roles = ["caseworker"] }), ("roles order", { $0.roles.reverse() }), ("action", { $0.action = "write" }),
            ("method", { $0.method = "POST" }), ("route", { $0.route = "/cases/{caseId}/dossier" }),
            ("caseId", { $0.caseId = nil }), ("personId", { $0.personId = nil }), ("status", { $0.status = 403 }),
            ("requestId", { $0.requestId = "req-2" }), ("at", { $0.at = "2026-05-01T12:34:56.123457Z" }),
            ("disclosedCaseIds", { $0.disclosedCaseIds.removeLast() }), ("disclosedPersonIds", { $0.disclosedPersonIds = [] }),
            ("query", { $0.query = nil }), ("query value", { $0.query?["status"] = "closed" }),
            ("prevHash", { $0.prevHash = AuditChain.genesis }),
            // A value moved from one field to its neighbour must not give the same bytes.
            ("case and person swapped", { swap(&$0.caseId, &$0.personId) }),
            ("disclosed sets swapped", { swap(&$0.disclosedCaseIds, &$0.disclosedPersonIds) }),
        ]
        let original = AuditChain.hash(Self.record)
        var seen: Set<String> = [original]
        for (name, change) in changes {
            var changed = Self.record
            change(&changed)
            let hash = AuditChain.hash(changed)
            XCTAssertNotEqual(hash, original, "changing \(name) left the hash as it was")
            XCTAssertTrue(seen.insert(hash).inserted, "changing \(name) gave the hash of another change")
        }
    }

    func testTheSameRecordAlwaysGivesTheSameHash() {
        XCTAssertEqual(AuditChain.hash(Self.record), AuditChain.hash(Self.record))
        XCTAssertEqual(AuditChain.canonicalForm(Self.record), AuditChain.canonicalForm(Self.record))
    }
}
