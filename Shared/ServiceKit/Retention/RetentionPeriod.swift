import Foundation

/// How long a kind of record is kept: an ISO-8601 duration such as "P10Y", "P7D" or "PT72H"
/// (years, months, weeks, days; hours, minutes, seconds; whole numbers). PostgreSQL reads the
/// same text as an interval, so the database computes the due dates in calendar terms.
public struct RetentionPeriod: Sendable, Equatable, CustomStringConvertible {
    public let years: Int, months: Int, weeks: Int, days: Int
    public let hours: Int, minutes: Int, seconds: Int

    /// The text as written, for SQL (`$1::interval`) and for logs.
    public let iso: String
    public var description: String { iso }

    /// Parses "P…"; nil when the text is not such a duration.
    public init?(_ text: String) {
        guard text.hasPrefix("P"), text.count > 1 else { return nil }
        var values: [Character: Int] = [:], time: [Character: Int] = [:]
        var inTime = false, number = "", sawDesignator = false
        for character in text.dropFirst() {
            if character.isASCII, character.isNumber {
                number.append(character)
            } else if character == "T" {
                guard !inTime, number.isEmpty else { return nil }
                inTime = true
            } else {
                let allowed: Set<Character> = inTime ? ["H", "M", "S"] : ["Y", "M", "W", "D"]
                guard allowed.contains(character), let value = Int(number), number.count <= 6 else { return nil }
                if inTime {
                    guard time[character] == nil else { return nil }
                    time[character] = value
                } else {
                    guard values[character] == nil else { return nil }
                    values[character] = value
                }
                number = ""; sawDesignator = true
            }
        }
        guard number.isEmpty, sawDesignator, !(inTime && time.isEmpty) else { return nil }
        years = values["Y"] ?? 0; months = values["M"] ?? 0; weeks = values["W"] ?? 0; days = values["D"] ?? 0
        hours = time["H"] ?? 0; minutes = time["M"] ?? 0; seconds = time["S"] ?? 0
        iso = text
    }

    /// The length in seconds with a year of 365 days and a month of 30: for comparing two
    /// periods and for the broker's retention.ms, never for a due date.
    public var approximateSeconds: Int {
        ((years * 365 + months * 30 + weeks * 7 + days) * 24 + hours) * 3600 + minutes * 60 + seconds
    }

    /// Whole days, rounded up (a year of 365 days): for the settings kept in days.
    public var approximateDays: Int { (approximateSeconds + 86_399) / 86_400 }
}
