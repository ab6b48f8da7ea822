import Foundation
import IASCrypto
@testable import ias_bench
import IASRuntime
import XCTest

/// The documents phase's arithmetic and parsing: MB/s, PostgreSQL's chunk ceiling, the kernel's
/// memory figures, Retry-After, the documents.
final class DocumentFiguresTests: XCTestCase {
    func testThroughputIsPayloadMegabytesOverWallTime() throws {
        XCTAssertEqual(try XCTUnwrap(DocumentFigures.megabytesPerSecond(bytes: 12 * 10_000_000, seconds: 4)), 30, accuracy: 1e-9)
        XCTAssertEqual(try XCTUnwrap(DocumentFigures.megabytesPerSecond(bytes: 1_500_000, seconds: 0.5)), 3, accuracy: 1e-9)
        XCTAssertNil(DocumentFigures.megabytesPerSecond(bytes: 1_000_000, seconds: 0), "no batch, no rate")
    }

    func testTheCeilingIsTransactionsTimesHalfAMebibyteInMegabytes() {
        XCTAssertEqual(DocumentFigures.chunkBytes, 524_288)
        XCTAssertEqual(DocumentFigures.ceilingMegabytesPerSecond(chunksPerSecond: 100), 52.4288, accuracy: 1e-9)
        XCTAssertEqual(DocumentFigures.ceilingMegabytesPerSecond(chunksPerSecond: 0), 0)
    }

    func testMemoryFiguresAreReadFromProcStatusInMebibytes() {
        let status = """
            Name:\tias-coordinatio
            VmPeak:\t 1048576 kB
            VmHWM:\t  153600 kB
            VmRSS:\t   92160 kB
            RssAnon:\t   80000 kB
            """
        XCTAssertEqual(DocumentFigures.statusMegabytes("VmHWM", in: status), 150)
        XCTAssertEqual(DocumentFigures.statusMegabytes("VmRSS", in: status), 90)
        XCTAssertNil(DocumentFigures.statusMegabytes("VmSwap", in: status))
        XCTAssertNil(DocumentFigures.statusMegabytes("VmHW", in: status), "a field is named whole, not by its prefix")
        XCTAssertNil(DocumentFigures.statusMegabytes("VmHWM", in: "VmHWM:\tmany kB"))
    }

    func testThePeakOfThisProcessCanBeResetAndRead() throws {
        let pid = getpid()
        // 64 MiB touched and given back (a block this large is mapped and unmapped by malloc).
        let size = 64 << 20
        let block = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 4096)
        block.initializeMemory(as: UInt8.self, repeating: 1, count: size)
        let resident = try XCTUnwrap(Bench.statusMegabytes("VmRSS", pid: pid))
        block.deallocate()
        let high = try XCTUnwrap(Bench.statusMegabytes("VmHWM", pid: pid))
        XCTAssertGreaterThan(high, resident - 1, "the kernel's counters lag a few pages")
        XCTAssertTrue(Bench.resetPeakMemory(pid), "clear_refs of a process of the same user")
        let after = try XCTUnwrap(Bench.statusMegabytes("VmHWM", pid: pid))
        XCTAssertLessThan(after, high - 32, "the peak is the resident set now, without the block")
        XCTAssertFalse(Bench.resetPeakMemory(-1))
    }

    func testRetryAfterIsWholeSecondsWithinBounds() {
        XCTAssertEqual(DocumentFigures.retryAfterSeconds("5"), 5)
        XCTAssertEqual(DocumentFigures.retryAfterSeconds(" 2 "), 2)
        XCTAssertEqual(DocumentFigures.retryAfterSeconds(nil), 1)
        XCTAssertEqual(DocumentFigures.retryAfterSeconds("Wed, 21 Oct 2026 07:28:00 GMT"), 1)
        XCTAssertEqual(DocumentFigures.retryAfterSeconds("0"), 1)
        XCTAssertEqual(DocumentFigures.retryAfterSeconds("3600"), 60)
    }

    func testDocumentsArePDFsOfTheirSizeThatAllDiffer() {
        let documents = Bench.makeDocuments(count: 5, size: 4096, stampFrom: 7)
        XCTAssertEqual(Set(documents.map(\.sha256)).count, 5)
        for (i, document) in documents.enumerated() {
            XCTAssertEqual(document.bytes.count, 4096)
            XCTAssertEqual(Array(document.bytes.prefix(9)), Array("%PDF-1.7\n".utf8))
            XCTAssertEqual(Array(document.bytes[9..<25]), Array(String(format: "bench%011d", 7 + i).utf8))
            XCTAssertEqual(Array(document.bytes.suffix(7)), Array("\n%%EOF\n".utf8))
            XCTAssertEqual(document.sha256, SHA256Hasher.hexDigest(document.bytes))
        }
    }
}
