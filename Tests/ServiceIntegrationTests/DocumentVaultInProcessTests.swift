import Foundation
import IASContracts
import IASCrypto
import IASHTTP
import IASPostgres
import IASRuntime
import IASServiceKit
import TestSupport
import XCTest
@testable import CoordinationService

/// The keys of documents against PostgreSQL, in process: a master key rotation re-wraps every
/// case key so that the old master key can go; a destroyed case key leaves nothing readable;
/// the retention job erases the content of a withdrawn document and keeps its description.
final class DocumentVaultInProcessTests: CoordinationInProcessCase {
    static let first = try! MasterKeyRing.parse("vault-test-1:" + Data(SecureRandom.bytes(32)).base64EncodedString())
    override class var documentKeys: MasterKeyRing? { first }

    let canton = TestEnvironment.token(org: "canton:KSD")

    /// A case coordination knows, with one uploaded PDF: (case, document, the bytes).
    private func caseWithDocument(category: String = "cv") throws -> (Identifier, Identifier, [UInt8]) {
        let caseId = Identifier()
        try Self.coordination.apply(PersonRegistered.sample(caseId: caseId, givenName: "Selam", familyName: "Vault"), subject: caseId.description)
        let pdf = SampleDocuments.pdf(size: 1_200_000)
        let r = Self.coordination.request("POST", "/cases/\(caseId)/documents", token: canton, raw: pdf, headers: [
            ("Content-Type", "application/pdf"), ("IAS-Document-Category", category), ("IAS-Document-Title", "Lebenslauf")])
        XCTAssertEqual(r.status, 201, String(decoding: r.body, as: UTF8.self))
        let id = try XCTUnwrap(try JSONParser.parse(r.body)["documentId"]?.stringValue.flatMap(Identifier.init))
        return (caseId, id, pdf)
    }

    private func read(_ caseId: Identifier, _ documentId: Identifier, with ring: MasterKeyRing) throws -> [UInt8] {
        try Self.coordination.host.pool.transaction { c in
            let vault = DocumentVault(ring: ring)
            // Plain throws, not XCTUnwrap: some tests expect this to fail.
            guard let document = try DocumentStore.find(caseId: caseId, documentId, on: c),
                  let key = try vault.caseKey(caseId, create: false, on: c) else { throw TestFailure("no document or no case key") }
            return try vault.open(documentId: documentId, version: document.current, key: key, on: c)
        }
    }

    func testARotationRewrapsEveryCaseKeySoThatTheOldMasterKeyCanGo() throws {
        let (caseId, documentId, pdf) = try caseWithDocument()
        XCTAssertEqual(try read(caseId, documentId, with: Self.first), pdf)

        let newKey = "vault-test-2:" + Data(SecureRandom.bytes(32)).base64EncodedString()
        let both = try MasterKeyRing.parse(newKey + "," + "vault-test-1:" + Data(Self.first.activeKey.withUnsafeBytes { Array($0) }).base64EncodedString())
        XCTAssertEqual(both.activeKeyId, "vault-test-2")
        var rewrapped = 0
        while true {
            let n = try Self.coordination.host.pool.transaction { try DocumentVault(ring: both).rewrap(limit: 50, on: $0) }
            if n == 0 { break }
            rewrapped += n
        }
        XCTAssertGreaterThanOrEqual(rewrapped, 1)
        let counts = try Self.coordination.host.pool.withConnection { try DocumentVault.keysByMasterKey(on: $0) }
        XCTAssertEqual(Set(counts.keys), ["vault-test-2"], "a case key is still wrapped under the old master key: \(counts)")

        let onlyNew = try MasterKeyRing.parse(newKey)
        XCTAssertEqual(try read(caseId, documentId, with: onlyNew), pdf, "the new master key alone must open the document")
        XCTAssertThrowsError(try read(caseId, documentId, with: Self.first), "the old master key must no longer open it")
    }

    func testADestroyedCaseKeyLeavesNothingReadable() throws {
        let (caseId, documentId, _) = try caseWithDocument()
        try Self.coordination.host.pool.transaction { try DocumentVault.destroyCaseKey(caseId, on: $0) }
        let content = Self.coordination.request("GET", "/cases/\(caseId)/documents/\(documentId)/content", token: canton, raw: [], headers: [])
        XCTAssertEqual(content.status, 410, String(decoding: content.body, as: UTF8.self))
        try Self.coordination.host.pool.withConnection { c in
            XCTAssertEqual(try c.query("SELECT count(*) AS n FROM document_chunks WHERE document_id = $1", [documentId])[0].int("n"), 0)
            XCTAssertEqual(try c.query("SELECT count(*) AS n FROM case_keys WHERE case_id = $1 AND wrapped_key IS NULL AND destroyed_at IS NOT NULL",
                                       [caseId])[0].int("n"), 1)
        }
        // The key itself refuses, whatever a version's record says.
        XCTAssertThrowsError(try Self.coordination.host.pool.transaction { try DocumentVault(ring: Self.first).caseKey(caseId, create: true, on: $0) }) {
            guard case Refusal.gone? = $0 as? Refusal else { return XCTFail("not gone: \($0)") }
        }
        // Its description stays, marked erased.
        let described = Self.coordination.request("GET", "/cases/\(caseId)/documents/\(documentId)", token: canton, raw: [], headers: [])
        XCTAssertEqual(described.status, 200)
        XCTAssertNotNil(try JSONParser.parse(described.body)["current"]?["contentErasedAt"]?.stringValue)
    }

    func testTheRetentionJobErasesTheContentOfAWithdrawnDocumentAfterItsDays() throws {
        let (caseId, documentId, _) = try caseWithDocument(category: "correspondence")
        let (_, kept, keptBytes) = try caseWithDocument(category: "correspondence")
        let withdrawn = try Self.coordination.request("DELETE", "/cases/\(caseId)/documents/\(documentId)", token: canton)
        XCTAssertEqual(withdrawn.status, 200)
        try Self.coordination.host.pool.withConnection { c in
            // The canton's rule for correspondence: erased the day it is withdrawn (data, not code).
            _ = try c.execute("UPDATE document_retention SET erase_after_days = 0 WHERE category = 'correspondence'")
        }
        defer {
            _ = try? Self.coordination.host.pool.withConnection { c in
                try c.execute("UPDATE document_retention SET erase_after_days = 730 WHERE category = 'correspondence'")
            }
        }
        let erased = try Self.coordination.host.pool.transaction { try DocumentErasure.run(limit: 100, on: $0) }
        XCTAssertGreaterThanOrEqual(erased, 1)
        try Self.coordination.host.pool.withConnection { c in
            XCTAssertEqual(try c.query("SELECT count(*) AS n FROM document_chunks WHERE document_id = $1", [documentId])[0].int("n"), 0)
            XCTAssertNotNil(try c.query("SELECT content_erased_at FROM document_versions WHERE document_id = $1", [documentId])[0]
                .optionalDate("content_erased_at"))
        }
        // A document that was not withdrawn keeps its content.
        let keptCase = try Self.coordination.host.pool.withConnection {
            try $0.query("SELECT case_id FROM documents WHERE document_id = $1", [kept])[0].identifier("case_id")
        }
        XCTAssertEqual(try read(keptCase, kept, with: Self.first), keptBytes)
        XCTAssertEqual(try Self.coordination.host.pool.transaction { try DocumentErasure.run(limit: 100, on: $0) }, 0, "erased once only")
    }
}
