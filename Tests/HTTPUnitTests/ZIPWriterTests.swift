import Foundation
@testable import IASHTTP
import TestSupport
import XCTest

/// The archive of a person's access request: written here, read by Python's `zipfile` (which
/// checks every CRC-32) and by the suite's own reader of office documents.
final class ZIPWriterTests: XCTestCase {
    private let entries: [(String, [UInt8])] = [
        ("manifest.json", Array("{\"person\": \"x\"}".utf8)),
        ("documents/Zeugnis Müller.pdf", Array("%PDF-1.7\n".utf8) + (0..<70_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }),
        ("empty.txt", []),
    ]

    private func archive() throws -> [UInt8] {
        var writer = ZIPWriter(modified: Date(timeIntervalSince1970: 1_796_000_000))
        for (name, content) in entries { try writer.add(name, content) }
        let bytes = try writer.finished()
        XCTAssertEqual(bytes.count, writer.size)
        return bytes
    }

    func testTheChecksumIsTheStandardCRC32() {
        XCTAssertEqual(CRC32.checksum(Array("123456789".utf8)), 0xCBF4_3926)
        XCTAssertEqual(CRC32.checksum([UInt8]()), 0)
    }

    func testPythonsZipfileReadsEveryEntryWithItsChecksum() throws {
        let python = try TestEnvironment.python
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("zip-writer-\(UUID()).zip")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(try archive()).write(to: file)
        let script = """
            import json, sys, zipfile
            with zipfile.ZipFile(sys.argv[1]) as z:
                bad = z.testzip()
                print(json.dumps({"bad": bad, "entries": [[i.filename, i.compress_type, i.file_size, list(i.date_time),
                    z.read(i).hex()] for i in z.infolist()]}))
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", script, file.path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
        let answer = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        XCTAssertTrue(answer["bad"] is NSNull, "a CRC-32 does not match: \(answer["bad"] ?? "")")
        let read = try XCTUnwrap(answer["entries"] as? [[Any]])
        XCTAssertEqual(read.map { $0[0] as? String }, entries.map(\.0))
        XCTAssertEqual(read.map { $0[1] as? Int }, [0, 0, 0], "stored, not compressed")
        XCTAssertEqual(read.map { $0[2] as? Int }, entries.map(\.1.count))
        XCTAssertEqual(read.map { $0[4] as? String }, entries.map { $0.1.map { String(format: "%02x", $0) }.joined() })
        // 2026-11-30 00:53:20 UTC, to the two seconds of DOS time.
        XCTAssertEqual(read[0][3] as? [Int], [2026, 11, 30, 0, 53, 20])
    }

    func testTheSuitesOwnReaderFindsTheSameEntries() throws {
        let bytes = try archive()
        let read = bytes.withUnsafeBufferPointer { buffer -> [(String, [UInt8]?)]? in
            guard let directory = ZIPDirectory(buffer) else { return nil }
            return directory.entries.map { ($0.name, directory.storedContent(of: $0, maxBytes: 1 << 20)) }
        }
        let entries = try XCTUnwrap(read, "the central directory does not hold together")
        XCTAssertEqual(entries.map(\.0), self.entries.map(\.0))
        XCTAssertEqual(entries.map(\.1), self.entries.map(\.1))
    }

    func testNamesThatLeaveTheArchiveAreRefused() {
        var writer = ZIPWriter()
        XCTAssertThrowsError(try writer.add("../etc/passwd", [1]))
        XCTAssertThrowsError(try writer.add("/abs", [1]))
        XCTAssertThrowsError(try writer.add("", [1]))
        XCTAssertNoThrow(try writer.add("a/b.txt", [1]))
    }
}
