import Foundation
import IASContracts
import IASHTTPClient
import IASRuntime
import TestSupport
import XCTest

/// The documents of a case through the running intake and coordination: upload, list,
/// download byte for byte, ranges, versions, withdrawal; access across handovers; every
/// refused upload stores nothing; and no plaintext of a document in coordination's database.
final class DocumentEndToEndTests: StackTestCase {
    let canton = TestEnvironment.token(org: "canton:KSD")
    let aarau = TestEnvironment.token(org: "municipality:4001")
    let baden = TestEnvironment.token(org: "municipality:4021")

    override class func startStack() -> TestStack {
        // A small limit, so that "too large" is cheap to send.
        .running(["intake", "coordination"], extraEnvironment: ["coordination": ["IAS_DOCUMENT_MAX_BYTES": "3000000"]])
    }

    private var worker: CaseWorker { CaseWorker(stack: Self.stack, caseworker: canton) }
    private func coordination() throws -> HTTPClient { try Self.stack.client("coordination") }

    /// A case of the canton that coordination knows.
    private func newCase(familyName: String = "Dokument-\(UUID().uuidString.prefix(6))") throws -> CaseAPI.Registered {
        let registered = try worker.register(NewPerson.sample(familyName: familyName))
        try worker.dossier(registered.caseId)
        return registered
    }

    private func get(_ path: String, token: String? = nil, headers: [(String, String)] = []) throws -> HTTPClientResponse {
        try coordination().request("GET", path, headers: [("Authorization", "Bearer \(token ?? canton)")] + headers)
    }

    private func upload(_ caseId: String, _ bytes: [UInt8], contentType: String = "application/pdf", category: String = "cv",
                        title: String = "Lebenslauf", extra: [(String, String)] = [], token: String? = nil) throws -> HTTPClientResponse {
        try worker.api.uploadDocument(caseId, bytes, contentType: contentType, category: category, title: title, extra: extra,
                                      token: token ?? canton)
    }

    private func documentCount(_ caseId: String) throws -> Int {
        try TestDatabase.withConnection(to: "ias_coordination") { c in
            try c.query("SELECT count(*) AS n FROM documents WHERE case_id = $1::uuid", [caseId])[0].int("n")
        }
    }

    // MARK: The life of a document

    func testUploadListDownloadRangeVersionAndWithdrawal() throws {
        let registered = try newCase()
        let caseId = registered.caseId
        // Three chunks of 512 KiB and a part: the content crosses chunk boundaries.
        let pdf = SampleDocuments.pdf(size: 1_700_000)
        let added = try upload(caseId, pdf, category: "certificate", title: "Sprachzertifikat Deutsch A2 – Übersicht",
                               extra: [("IAS-Document-Certificate-Kind", "language"), ("IAS-Document-Issued-On", "2026-03-01"),
                                       ("Content-Disposition", "attachment; filename*=UTF-8''Sprachzertifikat%20A2.pdf")])
        XCTAssertEqual(added.status, 201, added.text)
        let document = try added.object()
        let documentId = try XCTUnwrap(document["documentId"] as? String)
        let current = try XCTUnwrap(document["current"] as? [String: Any])
        XCTAssertEqual(current["sizeBytes"] as? Int, pdf.count)
        XCTAssertEqual(current["sha256"] as? String, try Self.sha256(pdf), "the SHA-256 differs from openssl's")
        XCTAssertEqual(current["fileName"] as? String, "Sprachzertifikat A2.pdf")
        XCTAssertEqual(document["title"] as? String, "Sprachzertifikat Deutsch A2 – Übersicht")
        XCTAssertEqual(document["certificateKind"] as? String, "language")
        XCTAssertEqual(added.header("Location"), "/cases/\(caseId)/documents/\(documentId)")

        // Listed, with the filter; the dossier names it.
        let list = try get("/cases/\(caseId)/documents?category=certificate")
        XCTAssertEqual(list.status, 200, list.text)
        XCTAssertEqual((try list.object()["items"] as? [[String: Any]])?.compactMap { $0["documentId"] as? String }, [documentId])
        XCTAssertEqual(try (get("/cases/\(caseId)/documents?category=cv").object()["items"] as? [Any])?.count, 0)
        let dossier = try worker.dossier(caseId) { ($0["documents"] as? [Any])?.count == 1 }
        // The event tells that a document exists: ids, category, size and hash, neither title nor file name.
        let event = try XCTUnwrap((dossier["timeline"] as? [[String: Any]])?.first { ($0["type"] as? String) == "coordination.DocumentAdded" })
        let data = try XCTUnwrap(event["data"] as? [String: Any])
        XCTAssertEqual(data["documentId"] as? String, documentId)
        XCTAssertEqual(data["sha256"] as? String, current["sha256"] as? String)
        XCTAssertNil(data["title"]); XCTAssertNil(data["fileName"])
        XCTAssertFalse(String(describing: data).contains("Sprachzertifikat"))

        // Downloaded byte for byte, as an attachment that browsers do not sniff.
        let content = try get("/cases/\(caseId)/documents/\(documentId)/content")
        XCTAssertEqual(content.status, 200)
        XCTAssertEqual(content.body, pdf, "the download differs from the upload")
        XCTAssertEqual(content.header("Content-Type"), "application/pdf")
        XCTAssertEqual(content.header("X-Content-Type-Options"), "nosniff")
        XCTAssertTrue(content.header("Content-Disposition")?.hasPrefix("attachment") ?? false, content.header("Content-Disposition") ?? "none")
        let etag = try XCTUnwrap(content.header("ETag"))
        XCTAssertEqual(etag, "\"\(current["sha256"] as? String ?? "")\"")
        XCTAssertEqual(try get("/cases/\(caseId)/documents/\(documentId)/content", headers: [("If-None-Match", etag)]).status, 304)

        // A range across the boundary of the first two chunks, a suffix, and one beyond the end.
        let range = try get("/cases/\(caseId)/documents/\(documentId)/content", headers: [("Range", "bytes=524200-524399")])
        XCTAssertEqual(range.status, 206)
        XCTAssertEqual(range.body, Array(pdf[524_200...524_399]))
        XCTAssertEqual(range.header("Content-Range"), "bytes 524200-524399/\(pdf.count)")
        let suffix = try get("/cases/\(caseId)/documents/\(documentId)/content", headers: [("Range", "bytes=-100")])
        XCTAssertEqual(suffix.body, Array(pdf.suffix(100)))
        XCTAssertEqual(try get("/cases/\(caseId)/documents/\(documentId)/content", headers: [("Range", "bytes=\(pdf.count + 10)-")]).status, 416)

        // A new version replaces the current one; the first stays readable as history.
        let png = SampleDocuments.png(size: 70_000)
        let second = try coordination().request("POST", "/cases/\(caseId)/documents/\(documentId)/versions", headers: [
            ("Authorization", "Bearer \(canton)"), ("Content-Type", "image/png"), ("If-Match", etag)], body: png)
        XCTAssertEqual(second.status, 201, second.text)
        XCTAssertEqual(((try second.object()["current"]) as? [String: Any])?["version"] as? Int, 2)
        XCTAssertEqual((try second.object()["versions"] as? [Any])?.count, 2)
        XCTAssertEqual(try get("/cases/\(caseId)/documents/\(documentId)/content").body, png)
        XCTAssertEqual(try get("/cases/\(caseId)/documents/\(documentId)/content?version=1").body, pdf)
        let stale = try coordination().request("POST", "/cases/\(caseId)/documents/\(documentId)/versions", headers: [
            ("Authorization", "Bearer \(canton)"), ("Content-Type", "image/png"), ("If-Match", etag)], body: png)
        XCTAssertEqual(stale.status, 409, "a version based on a replaced one must be refused: \(stale.text)")

        // Withdrawn: kept with its description, no longer listed, its content no longer served.
        let withdrawn = try coordination().json("DELETE", "/cases/\(caseId)/documents/\(documentId)", token: canton,
                                                body: ["reason": "uploaded to the wrong case"])
        XCTAssertEqual(withdrawn.status, 200, withdrawn.text)
        XCTAssertEqual(try withdrawn.object()["status"] as? String, "withdrawn")
        XCTAssertEqual(try (get("/cases/\(caseId)/documents").object()["items"] as? [Any])?.count, 0)
        XCTAssertEqual(try get("/cases/\(caseId)/documents/\(documentId)/content").status, 410)
        let described = try get("/cases/\(caseId)/documents/\(documentId)")
        XCTAssertEqual(described.status, 200)
        XCTAssertEqual(try described.object()["status"] as? String, "withdrawn")
        XCTAssertEqual(try coordination().json("DELETE", "/cases/\(caseId)/documents/\(documentId)", token: canton).status, 409)
    }

    func testABrowserFormUploadsWithMultipart() throws {
        let caseId = try newCase().caseId
        let jpeg = SampleDocuments.jpeg(size: 5000)
        let boundary = "----form\(UUID().uuidString.prefix(8))"
        var body: [UInt8] = []
        func field(_ name: String, _ value: String) {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
        }
        field("category", "medical_certificate")
        field("title", "Arztzeugnis März")
        body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"C:\\\\Users\\\\x\\\\zeugnis.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n".utf8)
        body += jpeg
        body += Array("\r\n--\(boundary)--\r\n".utf8)
        let r = try coordination().request("POST", "/cases/\(caseId)/documents", headers: [
            ("Authorization", "Bearer \(canton)"), ("Content-Type", "multipart/form-data; boundary=\(boundary)")], body: body)
        XCTAssertEqual(r.status, 201, r.text)
        let document = try r.object()
        XCTAssertEqual(document["title"] as? String, "Arztzeugnis März")
        XCTAssertEqual((document["current"] as? [String: Any])?["fileName"] as? String, "zeugnis.jpg")
        let id = try XCTUnwrap(document["documentId"] as? String)
        XCTAssertEqual(try get("/cases/\(caseId)/documents/\(id)/content").body, jpeg)

        // The same form cut off before its closing delimiter stores nothing.
        let before = try documentCount(caseId)
        let truncated = Array(body.dropLast(8))
        let cut = try coordination().request("POST", "/cases/\(caseId)/documents", headers: [
            ("Authorization", "Bearer \(canton)"), ("Content-Type", "multipart/form-data; boundary=\(boundary)")], body: truncated)
        XCTAssertEqual(cut.status, 400, cut.text)
        XCTAssertEqual(try documentCount(caseId), before)
    }

    // MARK: Refusals store nothing

    func testEveryRefusedUploadSaysWhyAndStoresNothing() throws {
        let caseId = try newCase().caseId
        func refused(_ r: HTTPClientResponse, _ status: Int, mentions words: [String], _ what: String) {
            XCTAssertEqual(r.status, status, "\(what): \(r.text.prefix(400))")
            XCTAssertEqual(r.header("Content-Type"), "application/problem+json", what)
            for word in words { XCTAssertTrue(r.text.contains(word), "\(what): the problem should mention \(word): \(r.text.prefix(400))") }
        }
        refused(try upload(caseId, SampleDocuments.png(), contentType: "application/pdf"), 415, mentions: ["image/png", "application/pdf"],
                "a PNG declared as a PDF")
        refused(try upload(caseId, Array("just some text, no document\n".utf8), contentType: "text/plain"), 415, mentions: ["accepted"],
                "a text file")
        refused(try upload(caseId, [], contentType: "application/pdf"), 400, mentions: ["empty"], "zero bytes")
        refused(try upload(caseId, SampleDocuments.pdf(size: 3_100_000)), 413, mentions: ["larger"], "larger than the limit")
        refused(try upload(caseId, SampleDocuments.pdf(), category: "passport"), 400, mentions: ["IAS-Document-Category"], "an unknown category")
        refused(try upload(caseId, SampleDocuments.pdf(), category: "certificate"), 400, mentions: ["IAS-Document-Certificate-Kind"],
                "a certificate without its kind")
        // A measure of another case (as plan announces it): that case's document may name it, this one's not.
        let other = try newCase().caseId
        let measureId = Identifier()
        let publisher = try EventPublisher(clientId: "e2e-documents-measure")
        defer { publisher.close() }
        try publisher.publish(MeasurePlanned(caseId: Identifier(other)!, planId: Identifier(), measureId: measureId, catalogCode: "AMIPLUS",
                                             fieldOfAction: "work", fundingSource: .lumpSum, startsOn: .today(), estimatedCostRappen: 600_000),
                              subject: other)
        let link = [("IAS-Document-Link-Kind", "measure"), ("IAS-Document-Link-Id", measureId.description)]
        _ = try worker.until("a document of the other case linked to its measure") { () -> Step<Bool> in
            let r = try self.upload(other, SampleDocuments.pdf(), extra: link)
            return r.status == 201 ? .done(true) : r.status == 422 ? .notYet(r) : .refused(r)
        }
        refused(try upload(caseId, SampleDocuments.pdf(), extra: link), 422, mentions: ["linkId"], "a link to a measure of another case")
        refused(try upload(caseId, SampleDocuments.pdf(), token: baden), 403, mentions: ["responsible"], "a municipality not responsible")
        // Without a valid token the upload is refused on its head: it takes no upload slot.
        refused(try coordination().request("POST", "/cases/\(caseId)/documents", headers: [("Content-Type", "application/pdf"),
                ("IAS-Document-Category", "cv"), ("IAS-Document-Title", "x")], body: SampleDocuments.pdf()), 401, mentions: ["token"],
                "an upload without a token")
        refused(try upload(caseId, SampleDocuments.pdf(), extra: [("Content-Disposition", "attachment; filename=\"../../etc/passwd\"")]),
                400, mentions: ["Content-Disposition", ".."], "a file name that is a path out of its folder")

        // A body that stops before its Content-Length: the connection ends, nothing is stored.
        let partial = try HTTPClient.connected(port: Self.stack["coordination"].port)
        let pdf = SampleDocuments.pdf(size: 200_000)
        let head = ["POST /cases/\(caseId)/documents HTTP/1.1", "Host: localhost", "Authorization: Bearer \(canton)",
                    "Content-Type: application/pdf", "IAS-Document-Category: cv", "IAS-Document-Title: Teil",
                    "Content-Length: \(pdf.count)"].joined(separator: "\r\n") + "\r\n\r\n"
        try partial.send(raw: Array(head.utf8) + Array(pdf.prefix(90_000)))
        partial.close()
        Thread.sleep(forTimeInterval: 0.5)
        XCTAssertEqual(try documentCount(caseId), 0, "a refused or interrupted upload stored something")
        XCTAssertEqual(try (get("/cases/\(caseId)/documents").object()["items"] as? [Any])?.count, 0)
    }

    // MARK: Access follows the case

    func testAccessFollowsTheCaseAcrossHandovers() throws {
        let registered = try newCase()
        let caseId = registered.caseId
        let first = try worker.addDocument(caseId, SampleDocuments.pdf(), category: "decision", title: "Asylentscheid")
        XCTAssertEqual(try get("/cases/\(caseId)/documents", token: aarau).status, 403, "a municipality before the case is assigned to it")

        try worker.transfer(registered.personId, to: "municipality:4001")
        _ = try worker.until("the handover in coordination") { () -> Step<Bool> in
            let r = try self.get("/cases/\(caseId)/documents", token: self.aarau)
            return r.status == 200 ? .done(true) : .notYet(r)
        }
        // The receiving municipality sees the whole history and adds its own.
        XCTAssertEqual(try get("/cases/\(caseId)/documents/\(first)/content", token: aarau).status, 200)
        let own = try worker.addDocument(caseId, SampleDocuments.jpeg(), contentType: "image/jpeg", category: "correspondence",
                                         title: "Brief", token: aarau)

        try worker.transfer(registered.personId, to: "municipality:4021", reason: "relocation", token: aarau)
        _ = try worker.until("the relocation in coordination") { () -> Step<Bool> in
            let r = try self.get("/cases/\(caseId)/documents", token: self.baden)
            return r.status == 200 ? .done(true) : .notYet(r)
        }
        let listed = try (get("/cases/\(caseId)/documents", token: baden).object()["items"] as? [[String: Any]] ?? []).compactMap { $0["documentId"] as? String }
        XCTAssertEqual(Set(listed), [first, own])
        // The previous municipality sees none of them any more.
        for path in ["/cases/\(caseId)/documents", "/cases/\(caseId)/documents/\(first)", "/cases/\(caseId)/documents/\(own)/content"] {
            XCTAssertEqual(try get(path, token: aarau).status, 403, path)
        }
        // Partners and roles without case access never get content.
        for token in [TestEnvironment.token(org: "partner:RAV"), TestEnvironment.token(org: "canton:AWA"),
                      TestEnvironment.token(org: "canton:KSD", roles: [])] {
            XCTAssertEqual(try get("/cases/\(caseId)/documents/\(first)/content", token: token).status, 403)
        }
        // Every read of content or description is in the audit trail with the document it named.
        let auditor = TestEnvironment.token(org: "canton:KSD", roles: ["auditor"])
        let trail = try worker.until("the audit of the downloads") { () -> Step<[[String: Any]]> in
            let r = try self.get("/audit?caseId=\(caseId)&limit=200", token: auditor)
            let items = (try? r.object()["items"] as? [[String: Any]]) ?? nil ?? []
            let reads = items.filter { ($0["route"] as? String ?? "").contains("/content") }
            return reads.count >= 4 ? .done(reads) : .notYet(r)
        }
        XCTAssertTrue(trail.contains { String(describing: $0).contains(first) }, "the audit record does not name the document")
    }

    // MARK: The final report of a handover

    func testTheFinalReportOfAHandoverIsKeptAsADocument() throws {
        let familyName = "Bericht-\(UUID().uuidString.prefix(6))"
        let caseId = try newCase(familyName: familyName).caseId
        let reportId = Identifier()
        let publisher = try EventPublisher(clientId: "e2e-documents")
        defer { publisher.close() }
        // As plan publishes it when the case is handed over.
        try publisher.publish(FinalReportIssued(caseId: Identifier(caseId)!, planId: Identifier(), reportId: reportId, issuedOn: .today(),
                                                fromOrg: "canton:KSD", toOrg: "municipality:4001"), subject: caseId)
        let items = try worker.until("the final report among the documents") { () -> Step<[[String: Any]]> in
            let r = try self.get("/cases/\(caseId)/documents?category=final_report&linkId=\(reportId)")
            let items = (try? r.object()["items"] as? [[String: Any]]) ?? nil ?? []
            return items.isEmpty ? .notYet(r) : .done(items)
        }
        XCTAssertEqual(items.count, 1)
        let document = try XCTUnwrap(items.first)
        XCTAssertEqual((document["link"] as? [String: Any])?["id"] as? String, reportId.description)
        let content = try get("/cases/\(caseId)/documents/\(try XCTUnwrap(document["documentId"] as? String))/content")
        XCTAssertEqual(content.status, 200)
        XCTAssertEqual(content.header("Content-Type"), "application/json")
        let report = try content.object()
        XCTAssertEqual((report["person"] as? [String: Any])?["familyName"] as? String, familyName)
        XCTAssertEqual((report["timeline"] as? [Any])?.count, 0, "the timeline stays in the dossier")
    }

    // MARK: At rest

    func testTheDatabaseHoldsNoPlaintextOfADocument() throws {
        let caseId = try newCase().caseId
        let pdf = SampleDocuments.pdf(size: 600_000)
        let title = "Zeugnis \(UUID().uuidString.prefix(8))"
        XCTAssertEqual(try upload(caseId, pdf, title: title).status, 201)
        // Runs of the content from its start, its middle and across the first chunk boundary.
        let probes = [Array(pdf[9..<73]), Array(pdf[300_000..<300_064]), Array(pdf[524_260..<524_324])]
        try TestDatabase.withConnection(to: "ias_coordination") { c in
            let tables = try c.query("""
                SELECT table_schema, table_name, column_name, data_type FROM information_schema.columns
                WHERE table_schema NOT IN ('pg_catalog', 'information_schema') AND data_type IN ('bytea', 'text', 'jsonb', 'json')
                """)
            XCTAssertGreaterThan(tables.count, 10)
            for column in tables {
                let (schema, table, name) = (try column.string("table_schema"), try column.string("table_name"), try column.string("column_name"))
                let value = try column.string("data_type") == "bytea" ? "\"\(name)\"" : "convert_to(\"\(name)\"::text, 'UTF8')"
                for probe in probes {
                    let n = try c.query("SELECT count(*) AS n FROM \"\(schema)\".\"\(table)\" WHERE position($1::bytea IN \(value)) > 0",
                                        [probe])[0].int("n")
                    XCTAssertEqual(n, 0, "plaintext of the document in \(schema).\(table).\(name)")
                }
            }
            // The title is in the documents table only, not in the outbox (events carry no title).
            let inOutbox = try c.query("SELECT count(*) AS n FROM outbox WHERE strpos(payload, $1) > 0", [title])
            XCTAssertEqual(try inOutbox[0].int("n"), 0)
        }
    }

    // MARK: Helpers

    /// SHA-256 by the openssl command line: an implementation that is not ours.
    static func sha256(_ bytes: [UInt8]) throws -> String {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("doc-\(UUID().uuidString)")
        try Data(bytes).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl", "dgst", "-sha256", "-r", file.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        process.waitUntilExit()
        let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return String(out.prefix(64))
    }
}
