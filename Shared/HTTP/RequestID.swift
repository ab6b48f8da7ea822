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

    static func isAcceptable(_ id: String) -> Bool {
        let utf8 = id.utf8
        guard (1...64).contains(utf8.count) else { return false }
        return utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"):
                return true
            default:
                return false
            }
        }
    }
}
