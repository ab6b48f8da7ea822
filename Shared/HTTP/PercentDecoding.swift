import IASRuntime

/// Percent-encoding (RFC 3986 §2.1): the one decoder of path segments, query components,
/// forms and header values, and the one encoder of what a URL, a form or a header parameter
/// carries.
public enum PercentDecoding {
    enum Outcome: Equatable {
        case text(String)
        /// A `%` not followed by two hex digits.
        case invalidEscape
        /// The escapes decode to bytes that are not UTF-8 (such as %C3%28 or %FF).
        case notUTF8
    }

    /// The decoded text, or nil when a `%` is not followed by two hex digits or the decoded
    /// bytes are not UTF-8.
    public static func decode(_ text: Substring, plusAsSpace: Bool) -> String? {
        if case .text(let decoded) = decoding(text, plusAsSpace: plusAsSpace) { return decoded }
        return nil
    }

    /// The decoded text, or why there is none, so that a client learns which mistake it made.
    static func decoding(_ text: Substring, plusAsSpace: Bool) -> Outcome {
        let utf8 = text.utf8
        // The common case (no escapes) needs no copy of the bytes.
        if !utf8.contains(UInt8(ascii: "%")) && !(plusAsSpace && utf8.contains(UInt8(ascii: "+"))) {
            return .text(String(text))
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count)
        var index = utf8.startIndex
        while index != utf8.endIndex {
            let byte = utf8[index]
            if byte == UInt8(ascii: "%") {
                let first = utf8.index(after: index)
                guard first != utf8.endIndex else { return .invalidEscape }
                let second = utf8.index(after: first)
                guard second != utf8.endIndex,
                      let high = HexDigit.value(utf8[first]), let low = HexDigit.value(utf8[second]) else { return .invalidEscape }
                bytes.append(high << 4 | low)
                index = utf8.index(after: second)
            } else {
                bytes.append(plusAsSpace && byte == UInt8(ascii: "+") ? ASCII.space : byte)
                index = utf8.index(after: index)
            }
        }
        return String(validating: bytes, as: UTF8.self).map { .text($0) } ?? .notUTF8
    }
}

extension PercentDecoding {
    /// Every UTF-8 byte that `keeps` refuses as `%XX` (upper-case hex), the others as they are.
    public static func encode(_ text: String, keeping keeps: (UInt8) -> Bool) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            if keeps(byte) {
                out.append(byte)
            } else {
                out.append(UInt8(ascii: "%"))
                HexDigit.append(byte, to: &out, uppercase: true)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// RFC 3986's unreserved characters: letters, digits, `-`, `.`, `_`, `~`.
    public static func isUnreserved(_ byte: UInt8) -> Bool {
        isAlphanumeric(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "~")
    }

    static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
    }
}
