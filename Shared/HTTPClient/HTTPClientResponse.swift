import IASHTTP
import IASRuntime

/// One answer: status, header fields in the order received, the whole body.
public struct HTTPClientResponse: Sendable {
    public let status: Int
    public let headers: HTTPHeaders
    public let body: [UInt8]

    public init(status: Int, headers: HTTPHeaders, body: [UInt8]) {
        self.status = status; self.headers = headers; self.body = body
    }

    /// The first value of the header field `name` (case-insensitive).
    public func header(_ name: String) -> String? { headers[name] }

    /// The body as UTF-8 text (invalid sequences replaced), for messages and comparisons.
    public var text: String { String(decoding: body, as: UTF8.self) }

    /// The body as JSON.
    public func json() throws -> JSONValue { try JSONParser.parse(body) }

    /// The body decoded into `type`.
    public func decode<T: Decodable>(_ type: T.Type) throws -> T { try json().decode(type) }
}
