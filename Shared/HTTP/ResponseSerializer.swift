/// Turns a response into the bytes of one HTTP/1.1 message. The server owns the framing and
/// connection headers; a handler's own values for them are dropped, and CR, LF and NUL in
/// header values become spaces so that no handler can split a response.
enum ResponseSerializer {
    private static let reserved: Set<String> = ["content-length", "transfer-encoding", "connection", "keep-alive", "date", "x-request-id"]

    static func serialize(_ response: HTTPResponse, requestId: String, close: Bool, announceKeepAlive: Bool, omitBody: Bool) -> [UInt8] {
        let bodyAllowed = !HTTPStatus.forbidsBody(response.status)
        let status = (100...999).contains(response.status) ? response.status : 500
        var head = "HTTP/1.1 \(status) \(HTTPStatus.reasonPhrase(status))\r\n"
        for (name, value) in response.headers.pairs {
            guard !name.isEmpty, name.utf8.allSatisfy(ASCII.isToken), !reserved.contains(name.lowercased()) else { continue }
            head += name + ": " + sanitized(value) + "\r\n"
        }
        if bodyAllowed { head += "Content-Length: \(response.body.count)\r\n" }
        head += "Date: \(HTTPDate.now())\r\nX-Request-Id: \(requestId)\r\n"
        if close {
            head += "Connection: close\r\n"
        } else if announceKeepAlive {
            head += "Connection: keep-alive\r\n"
        }
        head += "\r\n"
        var bytes = Array(head.utf8)
        if bodyAllowed, !omitBody { bytes.append(contentsOf: response.body) }
        return bytes
    }

    private static func sanitized(_ value: String) -> String {
        guard value.utf8.contains(where: { $0 == ASCII.cr || $0 == ASCII.lf || $0 == 0 }) else { return value }
        return String(value.map { $0 == "\r" || $0 == "\n" || $0 == "\r\n" || $0 == "\0" ? " " : $0 })
    }

    static let continueResponse = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)
}
