import Foundation
import IASRuntime

/// The id that ties a request's log lines, response and problem document together.
enum RequestID {
    /// The caller's X-Request-Id when it is 1–64 characters of [A-Za-z0-9._-] (anything
    /// else could smuggle text into logs), otherwise a new UUID.
    static func resolve(_ header: String?) -> String {
        if let header, isAcceptable(header) { return header }
        return UUID.randomVersion4().uuidString.lowercased()
    }

    static func isAcceptable(_ id: String) -> Bool { PlainName.isValid(id, maxLength: 64) }
}
