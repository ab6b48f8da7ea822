/// The `value; name=value; name="quoted value"` shape of Content-Type and Content-Disposition
/// (RFC 9110 §5.6.6), on bytes so that quoted values may hold UTF-8 (browsers send file names
/// that way).
enum HeaderParameters {
    /// The leading value (trimmed, as sent) and the parameters by lowercased name; nil when a
    /// quoted string is not closed, a parameter has no name or value, or a name repeats (which
    /// of two `name=` a reader would take is exactly what must not be ambiguous).
    ///
    /// Inside quotes a backslash escapes only `"` and `\`; any other backslash is kept, because
    /// browsers send Windows paths (`C:\Users\a.pdf`) in file names without escaping them.
    static func parse(_ text: String) -> (value: String, parameters: [String: String])? {
        let bytes = Array(text.utf8)
        let semicolon = UInt8(ascii: ";"), equals = UInt8(ascii: "="), quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\")
        func isSpace(_ byte: UInt8) -> Bool { byte == ASCII.space || byte == ASCII.tab }
        var i = 0
        func skipSpaces() { while i < bytes.count, isSpace(bytes[i]) { i += 1 } }

        let leadingEnd = bytes.firstIndex(of: semicolon) ?? bytes.count
        let value = String(decoding: bytes[0..<leadingEnd], as: UTF8.self).trimmingSpaces()
        i = leadingEnd
        var parameters: [String: String] = [:]
        while true {
            skipSpaces()
            guard i < bytes.count else { return (value, parameters) }
            guard bytes[i] == semicolon else { return nil }
            i += 1
            skipSpaces()
            // "a; ; b=c" and a trailing ";" carry nothing; tolerated as many senders write them.
            if i == bytes.count || bytes[i] == semicolon { continue }
            let nameStart = i
            while i < bytes.count, ASCII.isToken(bytes[i]) { i += 1 }
            guard i > nameStart else { return nil }
            let name = String(decoding: bytes[nameStart..<i].map(ASCII.lowercased), as: UTF8.self)
            skipSpaces()
            guard i < bytes.count, bytes[i] == equals else { return nil }
            i += 1
            skipSpaces()
            var raw: [UInt8] = []
            if i < bytes.count, bytes[i] == quote {
                i += 1
                var closed = false
                while i < bytes.count {
                    let byte = bytes[i]
                    if byte == quote { closed = true; i += 1; break }
                    if byte == backslash, i + 1 < bytes.count, bytes[i + 1] == quote || bytes[i + 1] == backslash {
                        raw.append(bytes[i + 1])
                        i += 2
                        continue
                    }
                    raw.append(byte)
                    i += 1
                }
                guard closed else { return nil }
            } else {
                while i < bytes.count, bytes[i] != semicolon, !isSpace(bytes[i]) { raw.append(bytes[i]); i += 1 }
                guard !raw.isEmpty else { return nil }
            }
            guard parameters[name] == nil else { return nil }
            parameters[name] = String(decoding: raw, as: UTF8.self)
        }
    }
}
