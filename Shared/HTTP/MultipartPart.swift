/// One part of a multipart/form-data body: a form field or a file. Its content is a range of
/// the body, not a copy, so that a 20 MB file is held in memory once.
public struct MultipartPart: Sendable {
    /// The form field's name (`Content-Disposition: form-data; name=…`).
    public let name: String
    /// The file name as sent (`filename*`, else `filename`), when the part is a file; may be
    /// "" (a file input with no file chosen) and may hold a path. Metadata only: show
    /// `safeFileName`, store under an id of your own.
    public let fileName: String?
    /// As declared; text/plain for a field and application/octet-stream for a file when the
    /// part declares none (RFC 7578 §4.4). Check a file's real format with `DocumentFormat`.
    public let contentType: String
    /// All header fields of the part.
    public let headers: HTTPHeaders
    /// The content's position in the body that was parsed.
    public let content: Range<Int>

    public var isFile: Bool { fileName != nil }

    /// `fileName` fit to show and to offer in a download (`FileName.sanitize`); nil when the
    /// part is no file or its name has nothing displayable.
    public var safeFileName: String? { fileName.flatMap { FileName.sanitize($0) } }

    /// The content within `body`, the array the part was parsed from; no copy.
    public func bytes(in body: [UInt8]) -> ArraySlice<UInt8> { body[content] }

    /// The content as text, nil when it is not UTF-8 (form fields are sent as UTF-8).
    public func text(in body: [UInt8]) -> String? { String(validating: body[content], as: UTF8.self) }
}

extension Array where Element == MultipartPart {
    /// The first part called `name`.
    public func first(named name: String) -> MultipartPart? { first { $0.name == name } }
}
