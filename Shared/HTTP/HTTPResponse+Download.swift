/// A stored document served for download: whole, in part (Range), or not at all when the
/// client has it already (If-None-Match).
extension HTTPResponse {
    /// 200 with the whole `content`, 206 with the range the request asks for (`ByteRange`,
    /// with If-Range), 416 for a range beyond the end, or 304 when If-None-Match names `etag`.
    /// Every answer carries `ETag` (when given) and `Cache-Control: private, no-store` (case
    /// documents stay out of shared and disk caches); 200 and 206 also `Accept-Ranges`,
    /// `Content-Disposition: attachment` with `fileName` (sanitized; see `ContentDisposition`)
    /// and `X-Content-Type-Options: nosniff`, so that a browser neither renders the document
    /// in the application's origin nor guesses another type for it. `etag` should be strong
    /// (a hash of the content): only a strong tag lets a client resume with If-Range.
    public static func download(_ content: [UInt8], contentType: String, fileName: String?, etag: EntityTag?,
                                request: HTTPRequest) -> HTTPResponse {
        download(content[...], whole: content, contentType: contentType, fileName: fileName, etag: etag, request: request)
    }

    /// For content that is part of a larger buffer (a file within a multipart body).
    public static func download(_ content: ArraySlice<UInt8>, contentType: String, fileName: String?, etag: EntityTag?,
                                request: HTTPRequest) -> HTTPResponse {
        download(content, whole: nil, contentType: contentType, fileName: fileName, etag: etag, request: request)
    }

    /// `whole`: `content` as an array already, served without a copy.
    private static func download(_ content: ArraySlice<UInt8>, whole: [UInt8]?, contentType: String, fileName: String?,
                                 etag: EntityTag?, request: HTTPRequest) -> HTTPResponse {
        var headers = HTTPHeaders()
        if let etag { headers.add("ETag", etag.headerValue) }
        headers.add("Cache-Control", "private, no-store")
        if request.method == "GET" || request.method == "HEAD", let sent = request.header("If-None-Match"),
           let etag, EntityTag.noneMatchNames(sent, current: etag) {
            return HTTPResponse(status: 304, headers: headers)
        }
        headers.add("Accept-Ranges", "bytes")
        headers.add("X-Content-Type-Options", "nosniff")
        let length = content.count
        switch ByteRange.evaluate(request, etag: etag, length: length) {
        case .whole:
            headers.add("Content-Type", contentType)
            headers.add("Content-Disposition", ContentDisposition.attachment(fileName: fileName))
            return HTTPResponse(status: 200, headers: headers, body: whole ?? Array(content))
        case .satisfiable(let range):
            headers.add("Content-Type", contentType)
            headers.add("Content-Disposition", ContentDisposition.attachment(fileName: fileName))
            headers.add("Content-Range", ByteRange.contentRange(range, length: length))
            let start = content.startIndex
            return HTTPResponse(status: 206, headers: headers, body: Array(content[(start + range.lowerBound)..<(start + range.upperBound)]))
        case .unsatisfiable:
            let problem = Problem.status(416, "The requested range lies outside the document's \(length) bytes; "
                                         + "ask for a range that starts before byte \(length), or leave out Range for the whole document.",
                                         headers: headers.pairs.map { ($0.name, $0.value) } + [("Content-Range", "bytes */\(length)")])
            return problem.response(requestId: request.requestId)
        }
    }
}
