import Foundation
@testable import IASHTTP
import IASHTTPClient
import XCTest

/// `HTTPResponse.download`: 200, 206, 416 and 304, with the headers that keep a case document
/// out of caches and out of the application's origin, and file names that cannot break them.
final class DownloadResponseTests: XCTestCase {
    private let content = Array("0123456789".utf8)
    private let etag = EntityTag("sha256-abc")

    private func download(_ headers: [(String, String)] = [], method: String = "GET", fileName: String? = "Bericht Zürich.pdf") -> HTTPResponse {
        HTTPResponse.download(content, contentType: "application/pdf", fileName: fileName, etag: etag,
                              request: HTTPRequest(method: method, path: "/", headers: HTTPHeaders(headers)))
    }

    func testTheWholeDocument() {
        let response = download()
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.body, content)
        XCTAssertEqual(response.headers["Content-Type"], "application/pdf")
        XCTAssertEqual(response.headers["Content-Disposition"],
                       "attachment; filename=\"Bericht Zurich.pdf\"; filename*=UTF-8''Bericht%20Z%C3%BCrich.pdf")
        XCTAssertEqual(response.headers["X-Content-Type-Options"], "nosniff")
        XCTAssertEqual(response.headers["Cache-Control"], "private, no-store")
        XCTAssertEqual(response.headers["Accept-Ranges"], "bytes")
        XCTAssertEqual(response.headers["ETag"], "\"sha256-abc\"")
        XCTAssertNil(response.headers["Content-Range"])
    }

    func testARange() {
        let response = download([("Range", "bytes=2-5")])
        XCTAssertEqual(response.status, 206)
        XCTAssertEqual(response.body, Array("2345".utf8))
        XCTAssertEqual(response.headers["Content-Range"], "bytes 2-5/10")
        XCTAssertEqual(response.headers["Content-Type"], "application/pdf")
        XCTAssertEqual(download([("Range", "bytes=-3")]).body, Array("789".utf8))
        XCTAssertEqual(download([("Range", "bytes=2-5"), ("If-Range", "\"other\"")]).status, 200, "changed since: the whole")
        XCTAssertEqual(download([("Range", "bytes=2-5"), ("If-Range", "\"sha256-abc\"")]).status, 206)
        XCTAssertEqual(download([("Range", "bytes=0-1,4-5")]).status, 200, "several ranges: the whole")
    }

    func testARangeOfASlice() {
        let buffer = Array("header:0123456789:trailer".utf8)
        let request = HTTPRequest(method: "GET", path: "/", headers: HTTPHeaders([("Range", "bytes=8-")]))
        let response = HTTPResponse.download(buffer[7..<17], contentType: "text/plain", fileName: nil, etag: nil, request: request)
        XCTAssertEqual(response.status, 206)
        XCTAssertEqual(response.body, Array("89".utf8))
        XCTAssertEqual(response.headers["Content-Range"], "bytes 8-9/10")
        XCTAssertEqual(response.headers["Content-Disposition"], "attachment")
        XCTAssertNil(response.headers["ETag"])
    }

    func testAnUnsatisfiableRange() throws {
        let response = download([("Range", "bytes=10-")])
        XCTAssertEqual(response.status, 416)
        XCTAssertEqual(response.headers["Content-Range"], "bytes */10")
        XCTAssertEqual(response.headers["Content-Type"], "application/problem+json")
        XCTAssertNil(response.headers["Content-Disposition"], "the problem is no download")
        XCTAssertEqual(response.headers["ETag"], "\"sha256-abc\"")
    }

    func testNotModified() {
        for sent in ["\"sha256-abc\"", "W/\"sha256-abc\"", "\"x\", \"sha256-abc\"", "*"] {
            let response = download([("If-None-Match", sent)])
            XCTAssertEqual(response.status, 304, sent)
            XCTAssertEqual(response.body, [], sent)
            XCTAssertEqual(response.headers["ETag"], "\"sha256-abc\"")
            XCTAssertEqual(response.headers["Cache-Control"], "private, no-store")
        }
        XCTAssertEqual(download([("If-None-Match", "\"x\"")]).status, 200)
        XCTAssertEqual(download([("If-None-Match", "\"sha256-abc\""), ("Range", "bytes=0-1")]).status, 304, "If-None-Match first")
    }

    func testFileNamesCannotBreakTheHeader() throws {
        func disposition(_ name: String?) -> String { download(fileName: name).headers["Content-Disposition"]! }
        XCTAssertEqual(disposition("report.pdf"), "attachment; filename=\"report.pdf\"")
        XCTAssertEqual(disposition(nil), "attachment")
        XCTAssertEqual(disposition(".."), "attachment")
        XCTAssertEqual(disposition("../../etc/passwd"), "attachment; filename=\"passwd\"")
        XCTAssertEqual(disposition("100% \"sicher\".pdf"),
                       "attachment; filename=\"100_ _sicher_.pdf\"; filename*=UTF-8''100%25%20%22sicher%22.pdf")
        let hostile = disposition("evil\".pdf\r\nSet-Cookie: a=b; x=\"y")
        XCTAssertFalse(hostile.contains("\r") || hostile.contains("\n"))
        let (type, parameters) = try XCTUnwrap(HeaderParameters.parse(hostile))
        XCTAssertEqual(type, "attachment")
        XCTAssertEqual(Set(parameters.keys), ["filename", "filename*"], "no parameter smuggled in")
        XCTAssertEqual(parameters["filename"], "evil_.pdfSet-Cookie: a=b; x=_y")
        XCTAssertEqual(disposition("Ελληνικά.pdf"),
                       "attachment; filename=\"________.pdf\"; filename*=UTF-8''%CE%95%CE%BB%CE%BB%CE%B7%CE%BD%CE%B9%CE%BA%CE%AC.pdf")
    }

    func testTheFileNameOfARequestsContentDisposition() {
        XCTAssertEqual(ContentDisposition.fileName(ContentDisposition.attachment(fileName: "Zürich Bericht.pdf")), "Zürich Bericht.pdf")
        XCTAssertEqual(ContentDisposition.fileName("inline; filename=\"a b.pdf\""), "a b.pdf")
        XCTAssertEqual(ContentDisposition.fileName("attachment; filename=plain.pdf"), "plain.pdf")
        XCTAssertEqual(ContentDisposition.fileName("attachment; filename=\"fallback.pdf\"; filename*=ISO-8859-1''caf%E9.pdf"), "fallback.pdf")
        XCTAssertEqual(ContentDisposition.fileName("attachment; filename*=utf-8'de'%C3%A4.pdf"), "ä.pdf")
        XCTAssertNil(ContentDisposition.fileName("attachment"))
        XCTAssertNil(ContentDisposition.fileName("attachment; filename=\"unclosed"))
        XCTAssertNil(ContentDisposition.fileName("attachment; filename*=UTF-8''%FF.pdf"), "not UTF-8, and no fallback")
    }

    func testThroughTheServer() throws {
        let server = try TestServer()
        let client = try server.client()
        let whole = try client.request("GET", "/download")
        XCTAssertEqual(whole.status, 200)
        XCTAssertEqual(whole.text, "0123456789")
        let part = try client.request("GET", "/download", headers: [("Range", "bytes=3-4")])
        XCTAssertEqual(part.status, 206)
        XCTAssertEqual(part.text, "34")
        XCTAssertEqual(part.header("Content-Length"), "2")
        let head = try client.request("HEAD", "/download", headers: [("Range", "bytes=3-")])
        XCTAssertEqual(head.status, 206)
        XCTAssertEqual(head.header("Content-Length"), "7")
        XCTAssertEqual(head.body, [])
        let unchanged = try client.request("GET", "/download", headers: [("If-None-Match", "\"v1\"")])
        XCTAssertEqual(unchanged.status, 304)
        XCTAssertNil(unchanged.header("Content-Length"))
        XCTAssertEqual(try client.request("GET", "/download", headers: [("Range", "bytes=10-")]).status, 416)
        XCTAssertEqual(try client.request("GET", "/healthz").text, "ok", "the connection is still in step")
    }
}
