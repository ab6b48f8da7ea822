import Foundation
import IASRuntime
import XCTest
@testable import CoordinationService
@testable import IASHTTP

/// The archive of a person's access request, without the services: its layout, its manifest and
/// its size limit.
final class SubjectAccessArchiveTests: XCTestCase {
    private func manifest() -> SubjectAccessArchive.Manifest {
        .init(personId: Identifier(), caseIds: [Identifier()], createdAt: Date(timeIntervalSince1970: 1_796_000_000),
              createdBy: .init(subject: "officer", organisation: "canton:DVI", roles: ["auditor"]), requestId: "r-1")
    }

    func testTheReadmeAndTheManifestComeFirstAndTheManifestHashesEveryFile() throws {
        var archive = SubjectAccessArchive(manifest: manifest(), maxBytes: 1 << 20)
        let part = Array("{\"tables\": []}".utf8)
        try archive.add("services/intake.json", part, service: "intake", records: 3, tables: ["persons": 1, "outbox": 2])
        archive.omit("coordination", "table case_keys", "a secret")
        let bytes = try archive.finished()
        let entries = bytes.withUnsafeBufferPointer { buffer in
            ZIPDirectory(buffer).map { directory in directory.entries.map { ($0.name, directory.storedContent(of: $0, maxBytes: 1 << 20)) } }
        }
        let files = try XCTUnwrap(entries)
        XCTAssertEqual(files.map(\.0), ["README.txt", "manifest.json", "services/intake.json"])
        XCTAssertEqual(files[2].1, part)
        let manifest = try JSONParser.parse(try XCTUnwrap(files[1].1))
        XCTAssertEqual(manifest["complete"], .bool(true))
        guard case .array(let listed)? = manifest["files"], case .array(let omitted)? = manifest["notIncluded"] else {
            return XCTFail("the manifest lists no files or omissions")
        }
        XCTAssertEqual(listed.count, 1)
        // sha256sum of the part's bytes.
        XCTAssertEqual(listed.first?["sha256"]?.stringValue, "33aa4af434196ad845dc6d5bfb02b5a6274357a3a1f9d6519e5cfce85746fa35")
        XCTAssertEqual(listed.first?["bytes"], .number(Double(part.count)))
        XCTAssertEqual(listed.first?["records"], .number(3))
        XCTAssertEqual(listed.first?["tables"]?["outbox"], .number(2))
        XCTAssertEqual(omitted.first?["what"]?.stringValue, "table case_keys")
        XCTAssertTrue(String(decoding: try XCTUnwrap(files[0].1), as: UTF8.self).contains("r-1"), "the README names the request")
    }

    func testAnArchivePastTheLimitIsRefusedBeforeItIsWritten() throws {
        var archive = SubjectAccessArchive(manifest: manifest(), maxBytes: 64 * 1024)
        try archive.add("documents/a", [UInt8](repeating: 1, count: 20_000), service: "coordination", records: 1)
        XCTAssertThrowsError(try archive.add("documents/b", [UInt8](repeating: 2, count: 60_000), service: "coordination", records: 1)) {
            XCTAssertTrue($0 is SubjectAccessArchive.TooLarge)
        }
        XCTAssertEqual(archive.manifest.files.map(\.path), ["documents/a"], "the refused file is not listed")
    }
}
