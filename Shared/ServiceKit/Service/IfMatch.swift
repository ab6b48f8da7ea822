import IASHTTP

/// The one `If-Match` rule (RFC 9110 §13.1.1): a request that names versions must name the
/// current one (`EntityTag.matchNames`).
public enum IfMatch {
    public static func matches(_ sent: String, current etag: String) -> Bool {
        guard let current = EntityTag(parsing: etag) else { return false }
        return EntityTag.matchNames(sent, current: current)
    }
}

extension RequestContext {
    /// Applies `IfMatch` to this request: a stale version is 409 with `currentETag` (nothing
    /// changed). Where the contract requires the header (the correction of a person), a request
    /// without it gets 428.
    public func checkIfMatch(current etag: String, required: Bool = false) throws {
        guard let sent = request.header("If-Match") else {
            if required {
                throw Refusal.versionRequired("send If-Match with the ETag you read, so that no change overwrites another")
            }
            return
        }
        guard IfMatch.matches(sent, current: etag) else {
            throw Refusal.conflict("the resource was changed since you read it (now \(etag)); read it again and reapply your change",
                                   details: ["currentETag": .string(etag)])
        }
    }
}
