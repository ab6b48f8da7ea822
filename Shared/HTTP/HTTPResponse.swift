import IASRuntime

/// What a handler returns. The server adds Content-Length, Date, X-Request-Id and Connection.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public init(status: Int, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// `value` encoded with the suite's JSON configuration; a value that cannot be encoded
    /// (a non-finite Double) yields a 500 problem rather than a half-written body.
    public static func json<T: Encodable>(_ value: T, status: Int = 200, headers: [(String, String)] = []) -> HTTPResponse {
        guard let body = try? JSONCoding.encode(value) else {
            return Problem.status(500, "The response could not be encoded as JSON.").response(requestId: nil)
        }
        var response = HTTPResponse.json(body: body, status: status)
        for (name, value) in headers { response.headers.add(name, value) }
        return response
    }

    /// A body already written as JSON.
    public static func json(body: [UInt8], status: Int = 200) -> HTTPResponse {
        HTTPResponse(status: status, headers: HTTPHeaders([("Content-Type", "application/json")]), body: body)
    }

    public static func text(_ text: String, status: Int = 200, contentType: String = "text/plain; charset=utf-8") -> HTTPResponse {
        HTTPResponse(status: status, headers: HTTPHeaders([("Content-Type", contentType)]), body: Array(text.utf8))
    }

    public static func empty(status: Int = 204) -> HTTPResponse {
        HTTPResponse(status: status)
    }
}
