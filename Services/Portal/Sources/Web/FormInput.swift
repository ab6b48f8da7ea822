import Foundation
import IASHTTP

/// A submitted form, read once by the portal before the page handler: the fields of an
/// urlencoded or multipart body, and the files of the latter.
public struct FormInput: Sendable {
    public struct File: Sendable {
        public let fileName: String?
        public let contentType: String
        public let bytes: [UInt8]
    }

    public let fields: URLEncodedForm
    public let files: [String: File]

    public static let none = FormInput(fields: URLEncodedForm(pairs: []), files: [:])

    public subscript(_ name: String) -> String? { fields[name] }

    /// The value trimmed, nil when empty: an empty box means "not given".
    public func text(_ name: String) -> String? {
        guard let value = fields[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
        return value
    }

    static func read(_ request: HTTPRequest, maxParts: Int = 64) throws -> FormInput {
        guard !request.body.isEmpty else { return .none }
        let contentType = request.header("Content-Type") ?? ""
        if MediaType(contentType)?.essence == "multipart/form-data" {
            let parts = try MultipartFormData.parse(body: request.body, contentType: contentType,
                                                    limits: MultipartFormData.Limits(maxParts: maxParts))
            var pairs: [(name: String, value: String)] = []
            var files: [String: File] = [:]
            for part in parts {
                if part.isFile {
                    files[part.name] = File(fileName: part.safeFileName, contentType: part.contentType, bytes: Array(part.bytes(in: request.body)))
                } else {
                    guard let text = part.text(in: request.body) else {
                        throw Problem.badRequest("The form field \(part.name) is not valid UTF-8.")
                    }
                    pairs.append((part.name, text))
                }
            }
            return FormInput(fields: URLEncodedForm(pairs: pairs), files: files)
        }
        return FormInput(fields: try URLEncodedForm.parse(body: request.body, contentType: contentType), files: [:])
    }
}
