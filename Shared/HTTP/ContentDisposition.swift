import Foundation

/// The Content-Disposition of a download (RFC 6266): `attachment`, the file name as an ASCII
/// `filename` every client reads and, when that had to change it, the exact name as
/// `filename*` in UTF-8 (RFC 8187), which current browsers prefer.
public enum ContentDisposition {
    /// `attachment; filename="Bericht Zurich.pdf"; filename*=UTF-8''Bericht%20Z%C3%BCrich.pdf`.
    /// The name is sanitized first (`FileName.sanitize`: no path, no control characters), and
    /// the ASCII name holds no quote, backslash or percent sign, so no name can end the
    /// parameter early or be decoded a second time; without a displayable name, `attachment`.
    public static func attachment(fileName: String?) -> String {
        guard let name = fileName.flatMap({ FileName.sanitize($0) }) else { return "attachment" }
        let fallback = asciiFallback(name)
        var value = "attachment; filename=\"\(fallback)\""
        if fallback != name { value += "; filename*=UTF-8''" + percentEncoded(name) }
        return value
    }

    /// The file name a Content-Disposition value gives (a raw upload may send one:
    /// `attachment; filename*=UTF-8''Z%C3%BCrich.pdf`, or `filename="report.pdf"`): `filename*`
    /// when it can be read, else `filename`; nil when the value is malformed or names none.
    /// As sent: pass it through `FileName.sanitize` before showing or storing it.
    public static func fileName(_ value: String) -> String? {
        guard let (_, parameters) = HeaderParameters.parse(value) else { return nil }
        if let extended = parameters["filename*"], let decoded = extendedValue(extended) { return decoded }
        return parameters["filename"]
    }

    /// `UTF-8'language'percent-encoded` (RFC 8187 §3.2.1); other charsets are not read.
    static func extendedValue(_ text: String) -> String? {
        let pieces = text.split(separator: "'", maxSplits: 2, omittingEmptySubsequences: false)
        guard pieces.count == 3, pieces[0].lowercased() == "utf-8" else { return nil }
        return PercentDecoding.decode(pieces[2], plusAsSpace: false)
    }

    /// Diacritics removed ("Zürich" → "Zurich"), then every character that is not printable
    /// ASCII, or is `"`, `\` or `%`, replaced by "_".
    static func asciiFallback(_ name: String) -> String {
        let folded = name.folding(options: .diacriticInsensitive, locale: nil)
        var out = String.UnicodeScalarView()
        for scalar in folded.unicodeScalars {
            let printable = scalar.value >= 0x20 && scalar.value < 0x7F && scalar != "\"" && scalar != "\\" && scalar != "%"
            out.append(printable ? scalar : "_")
        }
        return String(out)
    }

    /// attr-char kept, every other UTF-8 byte as %XX (RFC 8187 §3.2.1).
    static func percentEncoded(_ text: String) -> String {
        let kept = Set("!#$&+-.^_`|~".utf8)
        return PercentDecoding.encode(text) { PercentDecoding.isAlphanumeric($0) || kept.contains($0) }
    }
}
