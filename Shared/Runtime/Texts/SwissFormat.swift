import Foundation

/// Dates and amounts as they are written in Switzerland, whatever the language:
/// 02.03.1994, CHF 1’234.50 (the apostrophe groups thousands, the point separates the Rappen).
public enum SwissFormat {
    /// "1994-03-02" (or a timestamp beginning with it) → "02.03.1994"; anything else unchanged.
    public static func date(_ iso: String) -> String {
        let day = iso.prefix(10)
        let parts = day.split(separator: "-")
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              parts.allSatisfy({ $0.allSatisfy(\.isNumber) }) else { return iso }
        return "\(parts[2]).\(parts[1]).\(parts[0])"
    }

    /// A timestamp "2026-12-07T09:41:12.123Z" → "07.12.2026 09:41" (UTC as sent, marked by the page).
    public static func dateTime(_ iso: String) -> String {
        guard iso.count >= 16 else { return date(iso) }
        let time = iso.dropFirst(11).prefix(5)
        return "\(date(iso)) \(time)"
    }

    /// Rappen → "CHF 1’234.50"; negative amounts keep their sign before the number.
    public static func chf(rappen: Int) -> String {
        let sign = rappen < 0 ? "−" : ""
        let magnitude = rappen.magnitude
        let francs = String(magnitude / 100)
        var grouped = ""
        for (index, digit) in francs.reversed().enumerated() {
            if index > 0, index % 3 == 0 { grouped.append("’") }
            grouped.append(digit)
        }
        let cents = magnitude % 100
        return "CHF \(sign)\(String(grouped.reversed())).\(cents < 10 ? "0" : "")\(cents)"
    }

    /// What a person typed as an amount in francs ("1234.50", "1’234.5", "1'234", "CHF 80")
    /// → Rappen; nil when it is not an amount with at most two decimals.
    public static func rappen(fromFrancs text: String) -> Int? {
        var cleaned = text.trimmingCharacters(in: .whitespaces)
        if cleaned.uppercased().hasPrefix("CHF") { cleaned = String(cleaned.dropFirst(3)).trimmingCharacters(in: .whitespaces) }
        cleaned = cleaned.filter { $0 != "’" && $0 != "'" && $0 != " " }.replacingOccurrences(of: ",", with: ".")
        guard !cleaned.isEmpty else { return nil }
        let parts = cleaned.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let francs = Int(parts[0]), francs >= 0, francs < 100_000_000 else { return nil }
        var cents = 0
        if parts.count == 2 {
            let fraction = parts[1]
            guard (1...2).contains(fraction.count), fraction.allSatisfy(\.isNumber), let value = Int(fraction) else { return nil }
            cents = fraction.count == 1 ? value * 10 : value
        }
        return francs * 100 + cents
    }

    /// "02.03.1994" or "2.3.1994" or "1994-03-02" → "1994-03-02"; nil when it is not a day.
    public static func isoDate(fromInput text: String) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let parts: [Substring]
        let year: Int, month: Int, day: Int
        if trimmed.contains("-") {
            parts = trimmed.split(separator: "-")
            guard parts.count == 3, parts[0].count == 4, let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]) else { return nil }
            (year, month, day) = (y, m, d)
        } else {
            parts = trimmed.split(separator: ".")
            guard parts.count == 3, parts[2].count == 4, let d = Int(parts[0]), let m = Int(parts[1]), let y = Int(parts[2]) else { return nil }
            (year, month, day) = (y, m, d)
        }
        return CalendarDate(year: year, month: month, day: day)?.description
    }
}
