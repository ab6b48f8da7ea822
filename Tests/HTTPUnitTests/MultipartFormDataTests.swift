import Foundation
@testable import IASHTTP
import XCTest

/// Forms as browsers and curl send them, and the ways a form can be broken, cut off or hostile.
final class MultipartFormDataTests: XCTestCase {
    private let boundary = "----WebKitFormBoundary7MA4YWxkTrZu0gW"
    private var contentType: String { "multipart/form-data; boundary=\(boundary)" }

    /// A body of `parts` (header lines, content), closed unless `closed` is false.
    private func form(_ parts: [([String], [UInt8])], closed: Bool = true) -> [UInt8] {
        var body: [UInt8] = []
        for (headers, content) in parts {
            body += Array("--\(boundary)\r\n".utf8)
            for header in headers { body += Array("\(header)\r\n".utf8) }
            body += Array("\r\n".utf8) + content + Array("\r\n".utf8)
        }
        if closed { body += Array("--\(boundary)--\r\n".utf8) }
        return body
    }

    private func field(_ name: String, _ value: String) -> ([String], [UInt8]) {
        (["Content-Disposition: form-data; name=\"\(name)\""], Array(value.utf8))
    }

    private func problem(_ body: [UInt8], contentType: String? = nil, limits: MultipartFormData.Limits = .init(),
                         file: StaticString = #filePath, line: UInt = #line) -> Problem? {
        do {
            let parts = try MultipartFormData.parse(body: body, contentType: contentType ?? self.contentType, limits: limits)
            XCTFail("parsed into \(parts.count) parts", file: file, line: line)
            return nil
        } catch {
            return error as? Problem
        }
    }

    private let pdf = Array("%PDF-1.7\n".utf8) + (0..<2000).map { UInt8(truncatingIfNeeded: $0 &* 31) }

    // MARK: Well-formed forms

    func testABrowserFormWithFieldsAndAFile() throws {
        let body = form([
            field("title", "Arbeitszeugnis"),
            (["Content-Disposition: form-data; name=\"file\"; filename=\"Zeugnis Zürich.pdf\"", "Content-Type: application/pdf"], pdf),
            field("note", "Zeile 1\r\nZeile 2"),
        ])
        let parts = try MultipartFormData.parse(body: body, contentType: contentType)
        XCTAssertEqual(parts.map(\.name), ["title", "file", "note"])
        XCTAssertEqual(parts[0].text(in: body), "Arbeitszeugnis")
        XCTAssertFalse(parts[0].isFile)
        XCTAssertEqual(parts[0].contentType, "text/plain")
        XCTAssertEqual(parts[2].text(in: body), "Zeile 1\r\nZeile 2")

        let file = try XCTUnwrap(parts.first(named: "file"))
        XCTAssertTrue(file.isFile)
        XCTAssertEqual(file.fileName, "Zeugnis Zürich.pdf")
        XCTAssertEqual(file.safeFileName, "Zeugnis Zürich.pdf")
        XCTAssertEqual(file.contentType, "application/pdf")
        XCTAssertEqual(Array(file.bytes(in: body)), pdf)
        // A range of the body, not a copy.
        XCTAssertEqual(file.content.count, pdf.count)
        XCTAssertEqual(Array(body[file.content.lowerBound - 4..<file.content.lowerBound]), Array("\r\n\r\n".utf8))
        XCTAssertEqual(DocumentFormat.detect(file.bytes(in: body)), .pdf)
    }

    func testDefaultContentTypesOfFieldsAndFiles() throws {
        let body = form([
            field("title", "x"),
            (["Content-Disposition: form-data; name=\"file\"; filename=\"scan\""], [1, 2, 3]),
        ])
        let parts = try MultipartFormData.parse(body: body, contentType: contentType)
        XCTAssertEqual(parts.map(\.contentType), ["text/plain", "application/octet-stream"])
    }

    func testBinaryContentHoldingCRLFAndBoundaryLikeBytes() throws {
        // Bytes that begin like a delimiter but are not one: the boundary followed by more text,
        // "--" and a prefix of the boundary, bare CR and LF.
        var content = Array("\r\n--\(boundary)X\r\n--\(boundary.dropLast())\r\r\n\n--".utf8)
        content += (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 7919 >> 3) }
        content += Array("\r\n".utf8)
        let body = form([(["Content-Disposition: form-data; name=\"file\"; filename=\"a.bin\""], content), field("after", "ok")])
        let parts = try MultipartFormData.parse(body: body, contentType: contentType)
        XCTAssertEqual(parts.count, 2)
        XCTAssertEqual(Array(parts[0].bytes(in: body)), content)
        XCTAssertEqual(parts[1].text(in: body), "ok")
    }

    func testEmptyContentPreambleEpilogueAndTransportPadding() throws {
        var body = Array("This is the preamble.\r\n".utf8)
        body += Array("--\(boundary)  \t\r\nContent-Disposition: form-data; name=\"empty\"\r\n\r\n\r\n".utf8)
        body += Array("--\(boundary)--\r\nThis is the epilogue, --\(boundary) and all.".utf8)
        let parts = try MultipartFormData.parse(body: body, contentType: contentType)
        XCTAssertEqual(parts.map(\.name), ["empty"])
        XCTAssertEqual(parts[0].content.count, 0)
        XCTAssertEqual(try MultipartFormData.parse(body: Array("--\(boundary)--".utf8), contentType: contentType).count, 0,
                       "a form without parts is well-formed; the handler says which field is missing")
    }

    func testQuotedBoundaryAndCurlStyleBodies() throws {
        let odd = "a'()+_,-./:=?b"
        let body = Array("--\(odd)\r\nContent-Disposition: form-data; name=f; filename=x.txt\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nhi\r\n--\(odd)--\r\n".utf8)
        let parts = try MultipartFormData.parse(body: body, contentType: "Multipart/Form-Data; boundary=\"\(odd)\"")
        XCTAssertEqual(parts.first?.name, "f")
        XCTAssertEqual(parts.first?.fileName, "x.txt")
        XCTAssertEqual(parts.first?.contentType, "text/plain; charset=utf-8")
        XCTAssertEqual(parts.first?.text(in: body), "hi")
    }

    func testThroughTheRequest() throws {
        let body = form([field("a", "1")])
        let request = HTTPRequest(method: "POST", path: "/", headers: HTTPHeaders([("Content-Type", contentType)]), body: body)
        XCTAssertEqual(try request.multipartParts().first?.text(in: request.body), "1")
        let json = HTTPRequest(method: "POST", path: "/", headers: HTTPHeaders([("Content-Type", "application/json")]), body: body)
        XCTAssertThrowsError(try json.multipartParts()) { XCTAssertEqual(($0 as? Problem)?.status, 415) }
    }

    // MARK: File names

    func testFileNamesAsBrowsersSendThem() throws {
        let body = form([
            (["Content-Disposition: form-data; name=\"a\"; filename=\"C:\\Users\\ana\\Bericht.pdf\""], []),
            (["Content-Disposition: form-data; name=\"b\"; filename=\"../../etc/passwd\""], []),
            (["Content-Disposition: form-data; name=\"c\"; filename=\"say %22hi%22.txt\""], []),
            (["Content-Disposition: form-data; name=\"d\"; filename=\"fallback.pdf\"; filename*=UTF-8''Z%C3%BCrich%20Bericht.pdf"], []),
            (["Content-Disposition: form-data; name=\"e\"; filename=\"\""], []),
            (["Content-Disposition: form-data; name=\"f\"; filename=\"a\\\"b.pdf\""], []),
        ])
        let parts = try MultipartFormData.parse(body: body, contentType: contentType)
        XCTAssertEqual(parts.map(\.fileName), ["C:\\Users\\ana\\Bericht.pdf", "../../etc/passwd", "say \"hi\".txt",
                                               "Zürich Bericht.pdf", "", "a\"b.pdf"])
        XCTAssertEqual(parts.map(\.safeFileName), ["Bericht.pdf", "passwd", "say \"hi\".txt", "Zürich Bericht.pdf", nil, "a\"b.pdf"])
        XCTAssertTrue(parts[4].isFile, "a file input with no file chosen is still a file part")
    }

    func testSanitizedFileNames() {
        XCTAssertEqual(FileName.sanitize("../../etc/passwd"), "passwd")
        XCTAssertEqual(FileName.sanitize("..\\..\\windows\\win.ini"), "win.ini")
        XCTAssertEqual(FileName.sanitize("/var/data/"), nil)
        XCTAssertEqual(FileName.sanitize("a\r\nb\u{0}c\u{7F}\u{85}.pdf"), "abc.pdf")
        XCTAssertEqual(FileName.sanitize("invoice\u{202E}fdp.exe"), "invoicefdp.exe")
        XCTAssertEqual(FileName.sanitize("  Lebenslauf 2026.docx \t"), "Lebenslauf 2026.docx")
        for nothing in ["", " ", ".", "..", "\u{202E}", "a/..", "\u{0}\u{1}"] {
            XCTAssertNil(FileName.sanitize(nothing), nothing)
        }
        let long = try? XCTUnwrap(FileName.sanitize(String(repeating: "ä", count: 300) + ".pdf"))
        XCTAssertEqual(long?.utf8.count, 254, "whole characters only: 125 × 2 bytes and .pdf")
        XCTAssertEqual(long?.hasSuffix(".pdf"), true)
        XCTAssertEqual(FileName.sanitize(String(repeating: "x", count: 40), maxBytes: 20), String(repeating: "x", count: 20))
    }

    // MARK: Broken forms

    func testATruncatedUploadIsRefused() throws {
        let whole = form([field("title", "x"), (["Content-Disposition: form-data; name=\"file\"; filename=\"a.pdf\""], pdf)])
        // Cut within the file, just before the closing "--", within the closing boundary, and
        // within a part's header fields.
        let closingDashes = whole.count - 4
        let withinBoundary = whole.count - 4 - boundary.utf8.count / 2
        let withinHeaders = Array("--\(boundary)\r\nContent-Disposition: form-data; na".utf8)
        for cut in [whole.count - 500, closingDashes, withinBoundary] {
            let p = try XCTUnwrap(problem(Array(whole[..<cut])), "cut at \(cut)")
            XCTAssertEqual(p.status, 400)
            XCTAssertEqual(p.type, Problem.invalidMultipartType)
            XCTAssertTrue(p.detail.contains("cut off"), p.detail)
            XCTAssertEqual(p.errors.first?.field, "file")
        }
        XCTAssertTrue(try XCTUnwrap(problem(withinHeaders)).detail.contains("cut off"))
        XCTAssertTrue(try XCTUnwrap(problem(form([field("a", "b")], closed: false))).detail.contains("cut off"))
    }

    func testEveryPartMustNameItsField() throws {
        let cases: [[String]] = [
            [],
            ["Content-Type: text/plain"],
            ["Content-Disposition: attachment; name=\"a\""],
            ["Content-Disposition: form-data"],
            ["Content-Disposition: form-data; name=\"\""],
            ["Content-Disposition: form-data; name=\"a\"", "Content-Disposition: form-data; name=\"b\""],
            ["Content-Disposition: form-data; name=\"a\"; name=\"b\""],
            ["Content-Disposition: form-data; name=\"a"],
        ]
        for headers in cases {
            let p = try XCTUnwrap(problem(form([(headers, Array("x".utf8))])), "\(headers)")
            XCTAssertEqual(p.status, 400)
            XCTAssertTrue(p.detail.contains("Part 1"), p.detail)
        }
    }

    func testMalformedPartHeadersAndEncodings() throws {
        let name = "Content-Disposition: form-data; name=\"a\""
        for headers in [[name, " folded: line"], [name, "NoColon"], [name, "Bad Name: x"], [name, "Content-Type: pdf"],
                        [name, "Content-Transfer-Encoding: base64"],
                        ["Content-Disposition: form-data; name=\"a\"; filename*=latin1''x"]] {
            XCTAssertEqual(problem(form([(headers, Array("x".utf8))]))?.status, 400, "\(headers)")
        }
        var body = Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"".utf8) + [0xC3, 0x28]
        body += Array("\"\r\n\r\nx\r\n--\(boundary)--".utf8)
        XCTAssertTrue(try XCTUnwrap(problem(body)).detail.contains("UTF-8"))
        XCTAssertNoThrow(try MultipartFormData.parse(body: form([([name, "Content-Transfer-Encoding: binary"], [0])]), contentType: contentType))
    }

    func testLimits() throws {
        let many = form((0..<33).map { field("f\($0)", "x") })
        XCTAssertTrue(try XCTUnwrap(problem(many)).detail.contains("more than 32 parts"))
        XCTAssertEqual(try MultipartFormData.parse(body: many, contentType: contentType, limits: .init(maxParts: 33)).count, 33)
        let bigHeader = form([(["Content-Disposition: form-data; name=\"a\"", "X-Padding: " + String(repeating: "p", count: 5000)], [])])
        XCTAssertTrue(try XCTUnwrap(problem(bigHeader)).detail.contains("exceed 4096 bytes"))
    }

    func testTheBoundaryParameter() throws {
        let body = form([field("a", "b")])
        XCTAssertEqual(problem(body, contentType: "application/json")?.status, 415)
        XCTAssertEqual(problem(body, contentType: "multipart/mixed; boundary=\(boundary)")?.status, 415)
        XCTAssertEqual(problem(body, contentType: "multipart/form-data")?.status, 400)
        XCTAssertEqual(problem(body, contentType: "multipart/form-data; boundary=a; boundary=b")?.status, 400)
        XCTAssertEqual(problem(body, contentType: "multipart/form-data; boundary=\"\(String(repeating: "b", count: 71))\"")?.status, 400)
        XCTAssertEqual(problem(body, contentType: "multipart/form-data; boundary=\"ends with space \"")?.status, 400)
        XCTAssertEqual(problem(body, contentType: "multipart/form-data; boundary=semi;colon")?.status, 400)
        XCTAssertTrue(try XCTUnwrap(problem(body, contentType: "multipart/form-data; boundary=other")).detail.contains("no line with the boundary"))
        XCTAssertNoThrow(try MultipartFormData.boundary(of: "multipart/form-data; boundary=\(String(repeating: "b", count: 70))"))
    }
}
