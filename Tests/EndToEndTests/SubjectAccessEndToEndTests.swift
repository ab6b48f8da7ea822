import Foundation
import IASCrypto
@testable import IASHTTP
import IASHTTPClient
import TestSupport
import XCTest

/// A person's access request (art. 25 of the data protection act) through the running suite: a
/// person with records in all five services and a document in two versions, read by a case
/// worker; then the archive, as the endpoint gives it and as `ias-admin export-person` writes it.
final class SubjectAccessEndToEndTests: StackTestCase {
    static let officer = "dvi-export-officer"
    let auditor = TestEnvironment.token(org: "canton:DVI", roles: ["auditor"], subject: SubjectAccessEndToEndTests.officer)
    let reader = TestEnvironment.token(org: "canton:KSD", roles: ["caseworker"], subject: "reader-anna")

    override class func startStack() -> TestStack { .running(TestStack.suite) }

    func testTheArchiveHoldsEveryServicesRecordsTheDocumentsAndTheAccesses() throws {
        let world = try CaseWorld.build(stack: Self.stack)
        let stack = Self.stack!
        // A second version of the world's document, with bytes this test knows.
        let second = SampleDocuments.pdf(size: 5_321)
        let added = try stack.client("coordination").request("POST", "/cases/\(world.caseId)/documents/\(world.documentId)/versions", headers: [
            ("Authorization", "Bearer \(CaseWorld.canton)"), ("Content-Type", "application/pdf")], body: second)
        XCTAssertEqual(added.status, 201, added.text)
        // A write with an Idempotency-Key: its kept answer is the person's data too.
        let consent = try stack.client("coordination").json("POST", "/cases/\(world.caseId)/consents", token: CaseWorld.canton,
            body: ["partner": "canton:BKS", "givenOn": PersonFactory.today, "documentRef": "DMS-export"],
            headers: ["Idempotency-Key": "export-\(UUID().uuidString)"])
        XCTAssertEqual(consent.status, 201, consent.text)
        let keptConsentId = try XCTUnwrap(try consent.object()["consentId"] as? String)
        // The case worker's reads that the person must see.
        XCTAssertEqual(try stack.client("intake").json("GET", "/persons/\(world.personId)", token: reader).status, 200)
        XCTAssertEqual(try stack.client("coordination").json("GET", "/cases/\(world.caseId)/dossier", token: reader).status, 200)
        let readsArrived = try eventually(within: 30, every: 0.3) { () -> Bool? in
            let entries = try auditEntries(personId: world.personId)
            let routes = Set(entries.filter { $0["subject"] as? String == "reader-anna" }.map { "\($0["service"] ?? "") \($0["route"] ?? "")" })
            return routes.isSuperset(of: ["intake /persons/{personId}", "coordination /cases/{caseId}/dossier"]) ? true : nil
        }
        XCTAssertEqual(readsArrived, true, "the case worker's reads never reached the audit trail")

        let response = try stack.client("coordination").request("GET", "/subject-access/\(world.personId)/archive",
                                                                 headers: [("Authorization", "Bearer \(auditor)")])
        XCTAssertEqual(response.status, 200, response.text.prefix(500).description)
        XCTAssertEqual(response.header("Content-Type"), "application/zip")
        XCTAssertTrue(response.header("Content-Disposition")?.hasPrefix("attachment") == true)
        let files = try Self.unzip(response.body)
        let manifest = try json(files["manifest.json"])
        XCTAssertNotNil(files["README.txt"])

        // The manifest: the person, their case, who asked, and every file with its hash.
        XCTAssertEqual(manifest["personId"] as? String, world.personId)
        XCTAssertEqual(manifest["caseIds"] as? [String], [world.caseId])
        XCTAssertEqual(manifest["complete"] as? Bool, true)
        let by = try XCTUnwrap(manifest["createdBy"] as? [String: Any])
        XCTAssertEqual(by["subject"] as? String, Self.officer)
        XCTAssertEqual(by["organisation"] as? String, "canton:DVI")
        let listed = try XCTUnwrap(manifest["files"] as? [[String: Any]])
        XCTAssertEqual(Set(listed.compactMap { $0["path"] as? String }), Set(files.keys).subtracting(["manifest.json", "README.txt"]))
        for file in listed {
            let path = try XCTUnwrap(file["path"] as? String)
            let content = try XCTUnwrap(files[path], path)
            XCTAssertEqual(file["bytes"] as? Int, content.count, path)
            XCTAssertEqual(file["sha256"] as? String, SHA256Hasher.hexDigest(content), path)
        }
        XCTAssertFalse((manifest["notIncluded"] as? [Any] ?? []).isEmpty, "what is left out must be said")

        // Every service's part holds the person's records.
        func rows(_ service: String, _ table: String) throws -> [[String: Any]] {
            let part = try json(files["services/\(service).json"])
            XCTAssertEqual(part["personId"] as? String, world.personId, service)
            let tables = try XCTUnwrap(part["tables"] as? [[String: Any]], service)
            let found = try XCTUnwrap(tables.first { $0["table"] as? String == table }, "\(service) has no table \(table)")
            return found["rows"] as? [[String: Any]] ?? []
        }
        XCTAssertEqual(try rows("intake", "persons").map { $0["person_id"] as? String }, [world.personId])
        XCTAssertEqual(try rows("intake", "persons").first?["family_name"] as? String, world.familyName)
        XCTAssertFalse(try rows("assessment", "assessments").isEmpty)
        XCTAssertTrue(try rows("assessment", "assessments").allSatisfy { $0["case_id"] as? String == world.caseId })
        XCTAssertTrue(try rows("plan", "measures").contains { $0["measure_id"] as? String == world.measureId })
        XCTAssertTrue(try rows("costs", "approvals").contains { $0["approval_id"] as? String == world.approvalId })
        XCTAssertTrue(try rows("coordination", "consents").contains { $0["consent_id"] as? String == world.consentId })
        XCTAssertFalse(try rows("coordination", "referrals").isEmpty)
        XCTAssertTrue(try rows("coordination", "idempotency_keys").contains { ($0["answer"] as? String)?.contains(keptConsentId) == true })
        // Both versions, reached through the document (the final report of the handover is a document too).
        XCTAssertEqual(try rows("coordination", "document_versions").filter { $0["document_id"] as? String == world.documentId }.count, 2)
        // The sealed content and the case key stay out; the documents come decrypted instead.
        XCTAssertTrue(try rows("coordination", "documents").allSatisfy { $0["case_id"] as? String == world.caseId })
        let coordination = try json(files["services/coordination.json"])
        XCTAssertFalse((coordination["tables"] as? [[String: Any]] ?? []).contains { ["case_keys", "document_chunks"].contains($0["table"] as? String) })

        // The documents: every version, decrypted, the second exactly what was uploaded.
        let versions = files.keys.filter { $0.hasPrefix("documents/\(world.caseId)/\(world.documentId)/") }.sorted()
        XCTAssertEqual(versions.count, 2, "\(files.keys.sorted())")
        XCTAssertEqual(versions.last.flatMap { files[$0] }, second)
        XCTAssertEqual(versions.first.flatMap { files[$0] }?.prefix(5), Array("%PDF-".utf8)[...])

        // The accesses name the case worker's reads: who, organisation, role, when, what, answer.
        let accesses = try XCTUnwrap(try json(files["accesses.json"])["accesses"] as? [[String: Any]])
        let anna = accesses.filter { $0["subject"] as? String == "reader-anna" }
        XCTAssertTrue(anna.contains { $0["service"] as? String == "intake" && $0["route"] as? String == "/persons/{personId}" })
        XCTAssertTrue(anna.contains { $0["service"] as? String == "coordination" && $0["caseId"] as? String == world.caseId })
        for entry in anna {
            XCTAssertEqual(entry["organisation"] as? String, "canton:KSD")
            XCTAssertEqual(entry["roles"] as? [String], ["caseworker"])
            XCTAssertEqual(entry["status"] as? Int, 200)
            XCTAssertNotNil(entry["at"] as? String)
        }
        XCTAssertFalse(accesses.contains { $0["disclosedPersonIds"] != nil || $0["query"] != nil }, "other persons and search filters stay out")

        // The export is itself in the audit trail: the archive, and each other service's part
        // (coordination reads its own part in process, under the archive's record).
        let expected = Set(["coordination /subject-access/{personId}/archive"])
            .union(["intake", "assessment", "plan", "costs"].map { "\($0) /subject-access/{personId}" })
        let exported = try eventually(within: 30, every: 0.3) { () -> Set<String>? in
            let routes = Set(try auditEntries(personId: world.personId)
                .filter { $0["subject"] as? String == Self.officer && $0["status"] as? Int == 200 }
                .map { "\($0["service"] ?? "") \($0["route"] ?? "")" })
                .filter { $0.contains("/subject-access/") }
            return routes == expected ? routes : nil
        }
        XCTAssertEqual(exported, expected)

        // The command writes the same archive.
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("export-\(UUID()).zip")
        defer { try? FileManager.default.removeItem(at: out) }
        var environment = ProcessInfo.processInfo.environment
        environment["IAS_EXPORT_COORDINATION_URL"] = "http://127.0.0.1:\(stack["coordination"].port)"
        environment["IAS_EXPORT_TOKEN"] = auditor
        let run = try ToolRun.run("ias-admin", ["export-person", world.personId, "--out", out.path], environment: environment)
        XCTAssertEqual(run.status, 0, run.text)
        let written = try Self.unzip(Array(try Data(contentsOf: out)))
        XCTAssertEqual(Set(written.keys), Set(files.keys))
        for path in files.keys where path.hasPrefix("documents/") { XCTAssertEqual(written[path], files[path], path) }
        for service in TestStack.suite {
            let before = try json(files["services/\(service).json"]), after = try json(written["services/\(service).json"])
            XCTAssertEqual(Self.counts(after), Self.counts(before), service)
        }
        let commandAccesses = try XCTUnwrap(try json(written["accesses.json"])["accesses"] as? [[String: Any]])
        XCTAssertGreaterThanOrEqual(commandAccesses.count, accesses.count)
        // Without a token the command is refused by coordination, and says so.
        environment["IAS_EXPORT_TOKEN"] = reader
        let refused = try ToolRun.run("ias-admin", ["export-person", world.personId, "--out", out.path + "-refused"], environment: environment)
        XCTAssertEqual(refused.status, 1, refused.text)
        XCTAssertTrue(refused.errors.contains("403"), refused.text)
    }

    func testOnlyTheCantonsAuditorsExportAndAnUnknownPersonIsNotFound() throws {
        let registered = try CaseWorker(stack: Self.stack).register(.sample(givenName: "Refused"))
        let path = "/subject-access/\(registered.personId)"
        for token in [TestEnvironment.token(org: "municipality:4001", roles: ["caseworker", "approver", "auditor"]),
                      TestEnvironment.token(org: "canton:KSD", roles: ["caseworker", "approver"]),
                      TestEnvironment.token(org: "canton:AWA", roles: ["auditor"])] {
            let archive = try Self.stack.client("coordination").json("GET", path + "/archive", token: token)
            XCTAssertEqual(archive.status, 403, archive.text)
            for service in TestStack.suite {
                XCTAssertEqual(try Self.stack.client(service).json("GET", path, token: token).status, 403, service)
            }
        }
        let unknown = try Self.stack.client("coordination").json("GET", "/subject-access/\(UUID().uuidString.lowercased())/archive", token: auditor)
        XCTAssertEqual(unknown.status, 404, unknown.text)
        let malformed = try Self.stack.client("intake").json("GET", "/subject-access/not-a-uuid", token: auditor)
        XCTAssertEqual(malformed.status, 404, malformed.text)
    }

    func testAServiceThatDoesNotAnswerRefusesTheWholeExport() throws {
        let registered = try CaseWorker(stack: Self.stack).register(.sample(givenName: "Partial"))
        let costs = Self.stack["costs"]
        costs.stop()
        defer { XCTAssertNoThrow(try { try costs.start(); try costs.waitUntilReady() }()) }
        let r = try Self.stack.client("coordination").json("GET", "/subject-access/\(registered.personId)/archive", token: auditor)
        XCTAssertEqual(r.status, 502, r.text)
        XCTAssertTrue(r.text.contains("costs"), r.text)
        XCTAssertEqual(r.header("Content-Type")?.hasPrefix("application/problem+json"), true)
    }

    // MARK: Helpers

    private func auditEntries(personId: String) throws -> [[String: Any]] {
        let r = try Self.stack.client("coordination").json("GET", "/audit?personId=\(personId)&limit=200", token: auditor)
        guard r.status == 200 else { throw TestFailure("GET /audit answered \(r.status): \(r.text.prefix(300))") }
        return try r.object()["items"] as? [[String: Any]] ?? []
    }

    private func json(_ bytes: [UInt8]?) throws -> [String: Any] {
        let bytes = try XCTUnwrap(bytes, "the file is missing")
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
    }

    /// Rows by table of a service's part, the outbox left out (the relay may purge it between two exports).
    private static func counts(_ part: [String: Any]) -> [String: Int] {
        Dictionary(uniqueKeysWithValues: (part["tables"] as? [[String: Any]] ?? []).compactMap { table in
            (table["table"] as? String).map { ($0, table["count"] as? Int ?? -1) }
        })
    }

    /// The entries of a ZIP of stored entries, read by the suite's own reader of ZIP directories.
    static func unzip(_ bytes: [UInt8]) throws -> [String: [UInt8]] {
        let entries = bytes.withUnsafeBufferPointer { buffer -> [(String, [UInt8]?)]? in
            guard let directory = ZIPDirectory(buffer) else { return nil }
            return directory.entries.map { ($0.name, directory.storedContent(of: $0, maxBytes: bytes.count)) }
        }
        var files: [String: [UInt8]] = [:]
        for (name, content) in try XCTUnwrap(entries, "not a ZIP archive") {
            files[name] = try XCTUnwrap(content, "\(name) is not a stored entry")
        }
        return files
    }
}
