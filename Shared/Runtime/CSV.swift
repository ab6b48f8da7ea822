/// Comma-separated values as RFC 4180 has them (CRLF between records; a field with a comma,
/// quote, CR or LF enclosed in quotes, its quotes doubled), for reports opened in spreadsheets.
public enum CSV {
    /// One field. Text a spreadsheet would take for a formula (=, +, -, @, tab, CR at the start)
    /// gets a leading apostrophe, so that a code from an event can never run as one; numbers
    /// written by the report itself stay numbers.
    public static func field(_ text: String) -> String {
        var value = text
        if let first = value.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first), Double(value) == nil { value = "'" + value }
        // By scalars: "\r\n" is one Character, equal to neither "\r" nor "\n".
        guard value.unicodeScalars.contains(where: { ",\"\r\n".unicodeScalars.contains($0) }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// One record without its line break.
    public static func record(_ fields: [String]) -> String { fields.map(field).joined(separator: ",") }

    /// A header and its records, each ended by CRLF.
    public static func document(header: [String], records: [[String]]) -> String {
        ([header] + records).map { record($0) + "\r\n" }.joined()
    }
}
