/// How the server reads the body of one route's requests; every part left nil is the server's
/// (`HTTPServerConfiguration`). Applied after the route is resolved and before its body is read.
///
///     router.add("POST", "/cases/{caseId}/documents",
///                body: BodyPolicy(maxBytes: 20 << 20, slots: documentUploads, bodyTimeout: 300)) { ... }
public struct BodyPolicy: Sendable {
    /// Largest body; a larger Content-Length is answered 413 at once, unread.
    public var maxBytes: Int?
    /// Shared with the other routes that name the same slots: a request holds one from before
    /// its body is read until its response is written; none free within the wait is 503.
    public var slots: UploadSlots?
    /// Seconds the body may take to arrive, counted from when the server starts reading it
    /// (after the slot), when that ends later than the server's `readTimeout`: 20 MB do not
    /// cross a slow line in 10 seconds. The server's timeout still bounds the head.
    public var bodyTimeout: Double?
    /// Checked on the head before a slot is taken and the body read: a request refused here
    /// (say, without a valid token) neither waits for a slot nor holds one while it trickles
    /// its body. The route's own checks still run afterwards.
    public var admit: (@Sendable (HTTPHeaders) -> Problem?)?

    public init(maxBytes: Int? = nil, slots: UploadSlots? = nil, bodyTimeout: Double? = nil,
                admit: (@Sendable (HTTPHeaders) -> Problem?)? = nil) {
        self.maxBytes = maxBytes
        self.slots = slots
        self.bodyTimeout = bodyTimeout
        self.admit = admit
    }

    /// The server's limits, unchanged.
    public static let standard = BodyPolicy()

    /// Only a different body limit (a bulk import may need more than every other route should accept).
    public static func limit(_ maxBytes: Int) -> BodyPolicy { BodyPolicy(maxBytes: maxBytes) }
}
