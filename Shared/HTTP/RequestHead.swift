/// The request line and header fields of one request, before its body is read.
struct RequestHead {
    var method: String
    /// The request target exactly as sent ("/persons/42?x=1").
    var target: String
    /// 0 for HTTP/1.0, 1 for HTTP/1.1 (later 1.x minors are answered as 1.1).
    var minorVersion: Int
    var headers: HTTPHeaders

    /// HTTP/1.1 keeps the connection unless told to close; HTTP/1.0 closes unless asked
    /// to keep it (RFC 9112 §9.3).
    var wantsKeepAlive: Bool {
        let options = ASCII.listElements(headers.values("Connection"))
        if options.contains("close") { return false }
        return minorVersion >= 1 || options.contains("keep-alive")
    }
}

/// Limits applied while a request head is read.
struct RequestHeadLimits {
    var maxRequestLineBytes: Int
    var maxHeaderBytes: Int
    var maxHeaderCount: Int
}
