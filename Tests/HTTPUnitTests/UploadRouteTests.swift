import Foundation
import IASHTTP
import IASHTTPClient
import IASRuntime
import TestSupport
import XCTest

/// Routes with a `BodyPolicy`: upload slots taken before the body is read and given back after
/// the answer on every path, a body limit of their own, and longer for the body to arrive.
final class UploadRouteTests: XCTestCase {
    struct Unexpected: Error {}

    var server: HTTPServer!
    var running: WorkerThread!
    let metrics = MetricsRegistry()
    /// One upload at a time; the next waits 0.3 s, then is told to retry in 7.
    let slots = UploadSlots(name: "documents", capacity: 1, maxWait: 0.3, retryAfterSeconds: 7)
    /// One at a time; the next waits up to 5 s.
    let patientSlots = UploadSlots(name: "patient", capacity: 1, maxWait: 5)

    override func setUpWithError() throws {
        var configuration = HTTPServerConfiguration(port: 0)
        configuration.host = "127.0.0.1"
        configuration.maxBodyBytes = 1000
        configuration.readTimeout = 1
        configuration.gracePeriod = 1
        let router = Router()
        let count: HTTPHandler = { request in
            if request.header("X-Fail") != nil { throw Unexpected() }
            return .text(String(request.body.count))
        }
        router.post("/echo", count)
        router.add("POST", "/bulk", body: .limit(5000), count)
        router.add("POST", "/upload", body: BodyPolicy(maxBytes: 5000, slots: slots, bodyTimeout: 4), count)
        router.add("POST", "/patient", body: BodyPolicy(slots: patientSlots), count)
        router.add("POST", "/admitted", body: BodyPolicy(maxBytes: 5000, slots: slots, admit: { headers in
            headers["Authorization"] == "Bearer ok" ? nil : Problem.unauthorized("no valid token")
        }), count)
        router.add("POST", "/documents", body: BodyPolicy(maxBytes: 4 << 20, slots: slots)) { request in
            let parts = try request.multipartParts()
            guard let file = parts.first(named: "file"), file.isFile else { throw Problem.validation([FieldError(field: "file", message: "is missing")]) }
            let bytes = file.bytes(in: request.body)
            return .json(["fileName": file.safeFileName ?? "", "format": DocumentFormat.detect(bytes)?.rawValue ?? "unknown",
                          "bytes": String(bytes.count), "title": parts.first(named: "title")?.text(in: request.body) ?? ""])
        }
        server = HTTPServer(configuration: configuration, router: router, logger: Logger(label: "http-test", minimumLevel: .error),
                            metrics: metrics, errorMapper: nil)
        running = try WorkerThread.start(server)
    }

    override func tearDown() { running.stop() }

    private func client(readTimeout: Double = 5) throws -> HTTPClient {
        let client = HTTPClient(port: server.boundPort, readTimeout: readTimeout)
        try client.connect()
        return client
    }

    private func post(_ path: String, bytes: Int, headers: [(String, String)] = []) throws -> HTTPClientResponse {
        try client().request("POST", path, headers: headers, body: [UInt8](repeating: 0x61, count: bytes))
    }

    /// A client that has sent the head and half of a 100-byte body to `path`, and now holds
    /// the slot of that route.
    private func holdingSlot(_ path: String, _ slots: UploadSlots) throws -> HTTPClient {
        let holder = try client()
        try holder.send(raw: "POST \(path) HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n" + String(repeating: "a", count: 50))
        XCTAssertTrue(eventually(within: 3) { slots.inUse == 1 }, "the slot is taken once the head is read")
        return holder
    }

    // MARK: Slots

    func testARequestRefusedOnItsHeadNeitherWaitsForNorTakesASlot() throws {
        let holder = try client()
        try holder.send(raw: "POST /admitted HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ok\r\nContent-Length: 100\r\n\r\n" + String(repeating: "a", count: 50))
        XCTAssertTrue(eventually(within: 3) { slots.inUse == 1 }, "an admitted upload takes the slot")
        let started = Date()
        let anonymous = try post("/admitted", bytes: 10)
        XCTAssertEqual(anonymous.status, 401, "refused on its head, not queued for the slot")
        XCTAssertLessThan(Date().timeIntervalSince(started), 0.25, "it did not wait for the slot")
        XCTAssertEqual(slots.inUse, 1)
        XCTAssertEqual(try post("/admitted", bytes: 10, headers: [("Authorization", "Bearer ok")]).status, 503, "an admitted one waits, then 503")
        holder.close()
        XCTAssertTrue(eventually(within: 3) { slots.inUse == 0 })
        XCTAssertEqual(try post("/admitted", bytes: 10, headers: [("Authorization", "Bearer ok")]).status, 200)
    }

    func testASecondUploadWaitsThenGets503WithRetryAfter() throws {
        let first = try holdingSlot("/upload", slots)
        let started = Date()
        let refused = try post("/upload", bytes: 100)
        XCTAssertEqual(refused.status, 503)
        XCTAssertEqual(refused.header("Retry-After"), "7")
        XCTAssertEqual(refused.header("Connection"), "close")
        XCTAssertEqual(refused.header("Content-Type"), "application/problem+json")
        XCTAssertTrue(refused.text.contains("Send the request again in 7 seconds"), refused.text)
        XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(started), 0.3, "it waited for a slot first")

        try first.send(raw: String(repeating: "a", count: 50))
        XCTAssertEqual(try first.readResponse().text, "100")
        XCTAssertTrue(eventually(within: 3) { slots.inUse == 0 })
        XCTAssertEqual(try post("/upload", bytes: 100).status, 200, "a new upload succeeds once the first is done")
        XCTAssertEqual(try first.request("POST", "/upload", body: [1, 2, 3]).text, "3", "and on the kept-alive connection")

        XCTAssertEqual(metrics.counterValue("http_upload_slots_refused_total", labels: ["slots": "documents"]), 1)
        XCTAssertEqual(metrics.counterValue("http_requests_total", labels: ["method": "POST", "route": "/upload", "status": "503"]), 1)
        XCTAssertEqual(slots.refusals, 1)
        // Given back just after the answer is written, so a moment after the client has it.
        XCTAssertTrue(eventually(within: 3) { slots.inUse == 0 })
        let exposition = metrics.render()
        XCTAssertTrue(exposition.contains(#"http_upload_slots_in_use{slots="documents"} 0"#), exposition)
        XCTAssertTrue(exposition.contains(#"http_upload_slots_capacity{slots="patient"} 1"#), exposition)
    }

    func testAWaitingUploadProceedsWhenTheSlotIsFreed() throws {
        let first = try holdingSlot("/patient", patientSlots)
        let answer = Locked<Int?>(nil)
        let port = server.boundPort
        let second = Thread {
            let status = try? HTTPClient(port: port, readTimeout: 5).request("POST", "/patient", body: [UInt8](repeating: 1, count: 10)).status
            answer.withLock { $0 = status }
        }
        second.start()
        Thread.sleep(forTimeInterval: 0.5)
        XCTAssertNil(answer.current, "the second waits while the first holds the slot")
        try first.send(raw: String(repeating: "a", count: 50))
        XCTAssertEqual(try first.readResponse().status, 200)
        XCTAssertTrue(eventually(within: 3) { answer.current == 200 }, "then it is served")
    }

    func testTheSlotIsGivenBackOnEveryWayOut() throws {
        // A handler that fails.
        XCTAssertEqual(try post("/upload", bytes: 10, headers: [("X-Fail", "yes")]).status, 500)
        XCTAssertTrue(eventually(within: 3) { slots.inUse == 0 }, "after a handler error")
        // A client that goes away in the middle of its body.
        let vanishing = try holdingSlot("/upload", slots)
        vanishing.close()
        XCTAssertTrue(eventually(within: 3) { slots.inUse == 0 }, "after the client left")
        // A malformed chunked body, answered 400 after the slot was taken.
        let malformed = try client()
        try malformed.send(raw: "POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")
        XCTAssertEqual(try malformed.readResponse().status, 400)
        XCTAssertTrue(eventually(within: 3) { slots.inUse == 0 }, "after a framing error")
        XCTAssertEqual(try post("/upload", bytes: 100).status, 200)
    }

    func testExpectContinueIsNotSentWhileEverySlotIsTaken() throws {
        let first = try holdingSlot("/upload", slots)
        let second = try client()
        try second.send(raw: "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\nExpect: 100-continue\r\n\r\n")
        XCTAssertEqual(try second.readResponse().status, 503, "refused before the client sends its body")
        try first.send(raw: String(repeating: "a", count: 50))
        XCTAssertEqual(try first.readResponse().status, 200)
    }

    // MARK: Limits and time

    func testEachRouteKeepsItsOwnBodyLimit() throws {
        XCTAssertEqual(try post("/upload", bytes: 5000).status, 200)
        XCTAssertEqual(try post("/upload", bytes: 5001).status, 413)
        XCTAssertEqual(slots.refusals, 0)
        XCTAssertEqual(try post("/bulk", bytes: 4000).status, 200)
        XCTAssertEqual(try post("/echo", bytes: 1000).status, 200)
        XCTAssertEqual(try post("/echo", bytes: 1001).status, 413)
        XCTAssertEqual(try post("/patient", bytes: 1001).status, 413, "slots alone keep the server's limit")
        XCTAssertTrue(eventually(within: 3) { slots.inUse == 0 })
    }

    func testTheUploadRouteGivesItsBodyLongerThanTheReadTimeout() throws {
        func slowly(_ path: String) throws -> Int? {
            let sender = try client()
            try sender.send(raw: "POST \(path) HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n" + String(repeating: "a", count: 50))
            Thread.sleep(forTimeInterval: 1.5)
            try? sender.send(raw: String(repeating: "a", count: 50))
            return (try? sender.readResponse())?.status
        }
        XCTAssertEqual(try slowly("/upload"), 200)
        XCTAssertEqual(try slowly("/bulk"), 408, "other routes keep the server's read timeout")
    }

    // MARK: A form with a document

    func testAnUploadedFormThroughTheServer() throws {
        let boundary = "----form-\(UUID().uuidString)"
        let pdf = Array("%PDF-1.7\n".utf8) + [UInt8](repeating: 0x0D, count: 1_000_000)
        func body(closed: Bool) -> [UInt8] {
            var body = Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nZeugnis\r\n".utf8)
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"C:\\\\Temp\\\\Zeugnis.pdf\"\r\n".utf8)
            body += Array("Content-Type: application/pdf\r\n\r\n".utf8) + pdf + Array("\r\n".utf8)
            if closed { body += Array("--\(boundary)--\r\n".utf8) }
            return body
        }
        let headers = [("Content-Type", "multipart/form-data; boundary=\(boundary)")]
        let stored = try client().request("POST", "/documents", headers: headers, body: body(closed: true))
        XCTAssertEqual(stored.status, 200, stored.text)
        let json = try stored.json()
        XCTAssertEqual(json["fileName"]?.stringValue, "Zeugnis.pdf")
        XCTAssertEqual(json["format"]?.stringValue, "pdf")
        XCTAssertEqual(json["bytes"]?.stringValue, String(pdf.count))
        XCTAssertEqual(json["title"]?.stringValue, "Zeugnis")

        let cutOff = try client().request("POST", "/documents", headers: headers, body: body(closed: false))
        XCTAssertEqual(cutOff.status, 400)
        XCTAssertEqual(try cutOff.json()["type"]?.stringValue, Problem.invalidMultipartType)
        XCTAssertEqual(cutOff.errorFields, ["file"])
    }
}
