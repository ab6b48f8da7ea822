import Foundation
import IASHTTP
import IASHTTPClient

/// Documents for the tests: bytes that carry the real signature of their type, then filler
/// that differs from run to run (so that a test that finds the bytes elsewhere found them there
/// because they were copied, not by chance).
public enum SampleDocuments {
    /// A PDF of `size` bytes (at least 16): `%PDF-1.7`, random printable filler, `%%EOF`.
    public static func pdf(size: Int = 4096) -> [UInt8] {
        let head = Array("%PDF-1.7\n".utf8), tail = Array("\n%%EOF\n".utf8)
        return head + filler(max(size - head.count - tail.count, 1)) + tail
    }

    /// A PNG signature and IHDR start, then filler: enough for the type check, not for a viewer.
    public static func png(size: Int = 2048) -> [UInt8] {
        let head: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13] + Array("IHDR".utf8)
        return head + filler(max(size - head.count, 1))
    }

    /// A JPEG start of image and APP0 marker, then filler.
    public static func jpeg(size: Int = 2048) -> [UInt8] {
        let head: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10] + Array("JFIF".utf8) + [0]
        return head + filler(max(size - head.count, 1))
    }

    /// Printable random bytes (a run of them is unique enough to search for).
    public static func filler(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8)
        return (0..<count).map { _ in alphabet[Int(generator.next(upperBound: UInt64(alphabet.count)))] }
    }
}

extension CaseAPI {
    /// Uploads `bytes` as the body with the description in the `IAS-Document-*` headers; the answer as it came.
    public func uploadDocument(_ caseId: String, _ bytes: [UInt8], contentType: String = "application/pdf", category: String = "cv",
                               title: String = "Lebenslauf", extra: [(String, String)] = [], token: String? = nil) throws -> HTTPClientResponse {
        var headers: [(String, String)] = [("Content-Type", contentType), ("IAS-Document-Category", category),
                                           ("IAS-Document-Title", URLEncodedForm.escape(title))]
        headers += extra
        return try raw("coordination", "POST", "/cases/\(caseId)/documents", route: "POST /cases/{id}/documents", headers: headers,
                       body: bytes, token: token)
    }
}

extension CaseWorker {
    /// The new document's id, once coordination knows the case.
    @discardableResult
    public func addDocument(_ caseId: String, _ bytes: [UInt8], contentType: String = "application/pdf", category: String = "cv",
                            title: String = "Lebenslauf", extra: [(String, String)] = [], token: String? = nil) throws -> String {
        try until("a document for \(caseId)") { () -> Step<String> in
            let r = try api.uploadDocument(caseId, bytes, contentType: contentType, category: category, title: title, extra: extra, token: token)
            guard r.status == 201 else { return r.status == 404 ? .notYet(r) : .refused(r) }
            guard let id = try r.object()["documentId"] as? String else { throw TestFailure("no documentId in \(r.text.prefix(300))") }
            return .done(id)
        }
    }
}
