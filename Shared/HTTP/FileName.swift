/// A file name a client sent, made fit to show and to offer back in Content-Disposition. It is
/// metadata only: documents are stored under their own ids, never under a name a client chose.
public enum FileName {
    /// The last path component of `raw` (after the last `/` or `\`: browsers on Windows, and
    /// hostile clients, send paths), without control characters, bidirectional overrides and
    /// line separators (which could make "invoice\u{202E}fdp.exe" show as "invoiceexe.pdf"),
    /// trimmed of spaces and cut to `maxBytes` of UTF-8, keeping a short extension.
    /// `../../etc/passwd` becomes `passwd`. Nil when nothing displayable remains ("", "..").
    public static func sanitize(_ raw: String, maxBytes: Int = 255) -> String? {
        var lastComponent = String.UnicodeScalarView()
        for scalar in raw.unicodeScalars {
            if scalar == "/" || scalar == "\\" {
                lastComponent.removeAll()
            } else if !isHidden(scalar) {
                lastComponent.append(scalar)
            }
        }
        var scalars = lastComponent[...]
        while let first = scalars.first, first.properties.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.properties.isWhitespace { scalars.removeLast() }
        let name = String(String.UnicodeScalarView(scalars))
        guard !name.isEmpty, name != ".", name != ".." else { return nil }
        return truncated(name, maxBytes: max(16, maxBytes))
    }

    /// Characters that are invisible or move others: C0 and C1 controls, DEL, the bidirectional
    /// marks, embeddings, overrides and isolates, and the line and paragraph separators.
    private static func isHidden(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: return true
        case 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: return true
        case 0x2028, 0x2029: return true
        default: return false
        }
    }

    /// Cuts whole characters from the end of the stem, so that ".pdf" survives a long name.
    private static func truncated(_ name: String, maxBytes: Int) -> String {
        guard name.utf8.count > maxBytes else { return name }
        var stem = Substring(name)
        var suffix = ""
        if let dot = name.lastIndex(of: "."), dot != name.startIndex, name.utf8[dot...].count <= 16 {
            stem = name[..<dot]
            suffix = String(name[dot...])
        }
        let budget = maxBytes - suffix.utf8.count
        var kept = ""
        var used = 0
        for character in stem {
            let size = character.utf8.count
            guard used + size <= budget else { break }
            kept.append(character)
            used += size
        }
        return kept + suffix
    }
}
