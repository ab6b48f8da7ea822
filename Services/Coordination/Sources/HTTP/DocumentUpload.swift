import Foundation
import IASContracts
import IASHTTP
import IASRuntime

/// One uploaded document as the request carried it, checked: either the bytes as the body
/// with their `Content-Type` and the description in `IAS-Document-*` headers (department
/// systems), or `multipart/form-data` with a `file` part and the description as fields (a
/// browser form). The content is a slice of the request body, never a copy.
struct DocumentUpload {
    let metadata: DocumentMetadata?
    let content: ArraySlice<UInt8>
    let contentType: String
    /// The uploader's file name, kept as a display name only: never a path.
    let fileName: String?

    /// The header that carries each description field of a raw upload.
    static let headers: [String: String] = [
        "category": "IAS-Document-Category", "certificateKind": "IAS-Document-Certificate-Kind",
        "title": "IAS-Document-Title", "issuedOn": "IAS-Document-Issued-On",
        "linkKind": "IAS-Document-Link-Kind", "linkId": "IAS-Document-Link-Id",
    ]

    /// `describe`: whether the request must carry a description (a first upload) or only the
    /// content (a new version, which keeps the document's description).
    static func read(_ request: HTTPRequest, describe: Bool, maxBytes: Int, today: CalendarDate) throws -> DocumentUpload {
        guard let declared = request.header("Content-Type"), !declared.isEmpty else {
            throw Problem.status(415, "The request has no Content-Type: send the document's own type (application/pdf, image/png, image/jpeg, image/tiff) or multipart/form-data.")
        }
        var fields: [String: String] = [:]
        let content: ArraySlice<UInt8>
        let contentType: String
        var fileName: String?
        let label: (String) -> String
        if MediaType(declared)?.essence == "multipart/form-data" {
            let parts = try MultipartFormData.parse(body: request.body, contentType: declared)
            var file: MultipartPart?
            for part in parts {
                if part.name == "file" {
                    guard file == nil else { throw Problem.badRequest("The form carries more than one file part; send one document per request.", errors: [FieldError(field: "file", message: "must appear once")]) }
                    file = part
                } else if DocumentRules.fieldNames.contains(part.name) {
                    guard let text = part.text(in: request.body) else {
                        throw Problem.validation([FieldError(field: part.name, message: "must be UTF-8 text")])
                    }
                    fields[part.name] = text
                }
            }
            guard let file else {
                throw Problem.validation([FieldError(field: "file", message: "is required: the form's file part named file")])
            }
            content = file.bytes(in: request.body)
            contentType = file.contentType
            fileName = try displayName(file.fileName, field: "file")
            label = { $0 }
        } else {
            content = request.body[...]
            contentType = declared
            for (field, header) in headers {
                if let value = request.header(header) { fields[field] = try decodedHeader(value, header) }
            }
            if let disposition = request.header("Content-Disposition") {
                fileName = try displayName(ContentDisposition.fileName(disposition), field: "Content-Disposition")
            }
            label = { headers[$0] ?? $0 }
        }

        var metadata: DocumentMetadata?
        if describe {
            let (checked, errors) = DocumentRules.metadata(fields, today: today, label: label)
            try Problem.throwIfInvalid(errors)
            metadata = checked
        }
        guard content.count <= maxBytes else {
            throw Problem.status(413, "The document has \(content.count) bytes; at most \(maxBytes) are accepted (IAS_DOCUMENT_MAX_BYTES).")
        }
        let format = try checkContent(content, declared: contentType)
        return DocumentUpload(metadata: metadata, content: content, contentType: format.mediaType,
                              fileName: fileName.flatMap { $0.isEmpty ? nil : $0 })
    }

    /// The declared type must be one the suite keeps, and the bytes must be what it says.
    @discardableResult
    static func checkContent(_ content: ArraySlice<UInt8>, declared: String) throws -> DocumentFormat {
        guard !content.isEmpty else {
            throw Problem.validation([FieldError(field: "file", message: "is empty: a document has at least one byte")])
        }
        let accepted = DocumentFormat.allCases.map(\.mediaType).joined(separator: ", ")
        guard let format = DocumentFormat.detect(content) else {
            throw Problem.status(415, "The content is none of the accepted document types (\(accepted)): its first bytes match no known signature.")
        }
        guard format.matches(declared: declared) else {
            throw Problem.status(415, "The content is \(format.mediaType) by its first bytes, but was declared as \(MediaType(declared)?.essence ?? declared); declare the document's real type.")
        }
        return format
    }

    /// The uploader's file name as a display name: a path is cut to its last part (old browsers
    /// on Windows send `C:\\…\\name.pdf`), but a name that climbs out of its folder (`..`) is a
    /// probe, not a file name, and is refused.
    static func displayName(_ raw: String?, field: String) throws -> String? {
        guard let raw else { return nil }
        if raw.split(whereSeparator: { $0 == "/" || $0 == "\\" }).contains(where: { $0.trimmingCharacters(in: .whitespaces) == ".." }) {
            throw Problem.validation([FieldError(field: field, message: "names a path that climbs out of its folder (..): send the file's own name; nothing was stored")])
        }
        return FileName.sanitize(raw)
    }

    /// A header value: percent-encoded UTF-8 (titles carry umlauts and accents).
    private static func decodedHeader(_ value: String, _ header: String) throws -> String {
        guard let decoded = PercentDecoding.decode(Substring(value), plusAsSpace: false) else {
            throw Problem.validation([FieldError(field: header, message: "must be percent-encoded UTF-8")])
        }
        return decoded
    }
}
