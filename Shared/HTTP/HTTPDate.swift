import Glibc
import IASRuntime

/// The dates of message headers, from the UTC fields with English day and month names: the
/// HTTP Date header (IMF-fixdate, RFC 9110 §5.6.7) and an e-mail's Date (RFC 5322 §3.3),
/// which differ only in how they name the zone.
package enum HTTPDate {
    private static let cache = Locked<(second: Int, text: String)>((-1, ""))
    private static let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// The Date header of a response, formatted once per second.
    static func now() -> String {
        let seconds = time(nil)
        return cache.withLock { cached in
            if cached.second == seconds { return cached.text }
            cached = (seconds, imfFixdate(seconds))
            return cached.text
        }
    }

    /// `Sun, 06 Nov 1994 08:49:37 GMT`, `seconds` after 1970-01-01 00:00:00 UTC.
    package static func imfFixdate(_ seconds: Int) -> String { format(seconds, zone: "GMT") }

    /// `Sun, 06 Nov 1994 08:49:37 +0000`: the same fields, the zone as an offset.
    package static func rfc5322(_ seconds: Int) -> String { format(seconds, zone: "+0000") }

    private static func format(_ seconds: Int, zone: String) -> String {
        var t = time_t(seconds)
        var parts = tm()
        gmtime_r(&t, &parts)
        func digits(_ n: Int32, _ count: Int) -> String {
            let text = String(n)
            return String(repeating: "0", count: max(0, count - text.count)) + text
        }
        return "\(days[Int(parts.tm_wday)]), \(digits(parts.tm_mday, 2)) \(months[Int(parts.tm_mon)]) \(digits(parts.tm_year + 1900, 4)) "
            + "\(digits(parts.tm_hour, 2)):\(digits(parts.tm_min, 2)):\(digits(parts.tm_sec, 2)) \(zone)"
    }
}
