import Foundation
@testable import IASHTTP
import TestSupport
import XCTest

/// Formats by content. Office documents are real packages written at test time by Python's
/// zipfile (as office suites write them), with the near misses a sound check must refuse.
final class DocumentFormatTests: XCTestCase {
    private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }
    private let noise: [UInt8] = (0..<512).map { UInt8(truncatingIfNeeded: $0 &* 131) }

    func testMagicBytes() {
        XCTAssertEqual(DocumentFormat.detect(bytes("%PDF-1.4\n%âãÏÓ\n") + noise), .pdf)
        XCTAssertEqual(DocumentFormat.detect([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13] + bytes("IHDR") + noise), .png)
        XCTAssertEqual(DocumentFormat.detect([0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10] + bytes("JFIF") + noise), .jpeg)
        XCTAssertEqual(DocumentFormat.detect([0xFF, 0xD8, 0xFF, 0xE1] + noise), .jpeg, "Exif")
        XCTAssertEqual(DocumentFormat.detect([0x49, 0x49, 0x2A, 0x00, 0x08, 0, 0, 0] + noise), .tiff)
        XCTAssertEqual(DocumentFormat.detect([0x4D, 0x4D, 0x00, 0x2A, 0, 0, 0, 8] + noise), .tiff)
    }

    func testNearMissesAreNoFormat() {
        let misses: [[UInt8]] = [
            [], bytes("%PDF"), bytes(" %PDF-1.4"), bytes("%pdf-1.4"), bytes("GIF89a") + noise,
            [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A], [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x0A, 0x0A],
            [0xFF, 0xD8], [0x49, 0x49, 0x2B, 0x00], [0x4D, 0x4D, 0x2A, 0x00], bytes("<html><body>hi</body></html>"),
            bytes("PK\u{3}\u{4}") + noise, noise,
        ]
        for miss in misses { XCTAssertNil(DocumentFormat.detect(miss), "\(miss.prefix(12))") }
    }

    func testDetectionOfASliceOfALargerBuffer() {
        let buffer = bytes("header") + bytes("%PDF-1.7") + noise
        XCTAssertEqual(DocumentFormat.detect(buffer[6...]), .pdf)
        XCTAssertNil(DocumentFormat.detect(buffer[0...]))
    }

    func testDeclaredTypes() {
        XCTAssertTrue(DocumentFormat.pdf.matches(declared: "application/pdf"))
        XCTAssertTrue(DocumentFormat.pdf.matches(declared: "Application/PDF; name=\"x.pdf\""))
        XCTAssertTrue(DocumentFormat.pdf.matches(declared: " application/pdf ;charset=binary"))
        XCTAssertTrue(DocumentFormat.jpeg.matches(declared: "image/jpg"))
        XCTAssertTrue(DocumentFormat.docx.matches(declared: DocumentFormat.docx.mediaType))
        XCTAssertFalse(DocumentFormat.pdf.matches(declared: "application/octet-stream"))
        XCTAssertFalse(DocumentFormat.pdf.matches(declared: "image/png"))
        XCTAssertFalse(DocumentFormat.pdf.matches(declared: "pdf"))
        XCTAssertFalse(DocumentFormat.pdf.matches(declared: "application/pdf; name=\"unclosed"))
        XCTAssertEqual(DocumentFormat.named(by: "IMAGE/PNG"), .png)
        XCTAssertNil(DocumentFormat.named(by: "text/plain"))
        XCTAssertEqual(DocumentFormat.jpeg.fileExtension, "jpg")
        XCTAssertEqual(Set(DocumentFormat.allCases.map(\.mediaType)).count, DocumentFormat.allCases.count)
    }

    // MARK: Office packages

    /// Writes the packages with Python's zipfile and reads them back by name.
    private func packages() throws -> [String: [UInt8]] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("document-formats-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let script = #"""
import os, sys, zipfile
out = sys.argv[1]
D, S = zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED
TYPES = b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
RELS = b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"/>'
def write(name, entries, comment=b""):
    with zipfile.ZipFile(os.path.join(out, name), "w") as z:
        for entry, data, method in entries:
            z.writestr(zipfile.ZipInfo(entry, (2026, 1, 1, 0, 0, 0)), data, compress_type=method)
        z.comment = comment
def ooxml(main, extra=()):
    return [("[Content_Types].xml", TYPES, D), ("_rels/.rels", RELS, D), (main, b"<x/>" * 50, D)] + list(extra)
def odf(kind, mimetype_method=S, mimetype_first=True):
    mimetype = ("mimetype", ("application/vnd.oasis.opendocument." + kind).encode(), mimetype_method)
    rest = [("content.xml", b"<office:document-content/>" * 20, D), ("META-INF/manifest.xml", b"<manifest:manifest/>", D)]
    return [mimetype] + rest if mimetype_first else rest + [mimetype]
write("docx", ooxml("word/document.xml"))
write("xlsx", ooxml("xl/workbook.xml"))
write("pptx", ooxml("ppt/presentation.xml"))
write("odt", odf("text"))
write("ods", odf("spreadsheet"))
write("odp", odf("presentation"))
write("docx-with-comment", ooxml("word/document.xml"), comment=b"written by a scanner PK\x05\x06")
write("docm", ooxml("word/document.xml", [("word/vbaProject.bin", b"\0" * 64, D)]))
write("docx-without-content-types", ooxml("word/document.xml")[1:])
write("docx-and-xlsx", ooxml("word/document.xml", [("xl/workbook.xml", b"<x/>", D)]))
write("zip", [("notes.txt", b"hello", D), ("mimetype", b"application/vnd.oasis.opendocument.text", S)])
write("odt-compressed-mimetype", odf("text", mimetype_method=D))
write("odt-mimetype-not-first", odf("text", mimetype_first=False))
write("odt-without-manifest", odf("text")[:2])
write("odt-template", [("mimetype", b"application/vnd.oasis.opendocument.text-template", S)] + odf("text")[1:])
docx = open(os.path.join(out, "docx"), "rb").read()
open(os.path.join(out, "docx-with-trailing-bytes"), "wb").write(docx + b"trailing")
open(os.path.join(out, "docx-truncated"), "wb").write(docx[:-10])
open(os.path.join(out, "docx-without-directory"), "wb").write(docx[:docx.rfind(b"PK\x01\x02")])
"""#
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try TestEnvironment.python)
        process.arguments = ["-c", script, directory.path]
        try process.run()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, "the fixture script failed")
        var packages: [String: [UInt8]] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: directory.path) {
            packages[name] = Array(try Data(contentsOf: directory.appendingPathComponent(name)))
        }
        return packages
    }

    func testOfficePackages() throws {
        let packages = try packages()
        let expected: [String: DocumentFormat?] = [
            "docx": .docx, "xlsx": .xlsx, "pptx": .pptx, "odt": .odt, "ods": .ods, "odp": .odp,
            "docx-with-comment": .docx,
            "docm": nil, "docx-without-content-types": nil, "docx-and-xlsx": nil, "zip": nil,
            "odt-compressed-mimetype": nil, "odt-mimetype-not-first": nil, "odt-without-manifest": nil, "odt-template": nil,
            "docx-with-trailing-bytes": nil, "docx-truncated": nil, "docx-without-directory": nil,
        ]
        XCTAssertEqual(Set(packages.keys), Set(expected.keys))
        for (name, format) in expected {
            XCTAssertEqual(DocumentFormat.detect(try XCTUnwrap(packages[name], name)), format, name)
        }
        // A package is judged by its structure, not by its first bytes: without its end record it is none.
        XCTAssertNil(DocumentFormat.detect(Array(packages["docx"]!.dropLast(22))))
    }
}
