/// How the reader says where a document breaks and why.
extension JSONReader {
    /// A failure at `offset` (the current byte by default), with the path being read.
    func failure(_ reason: String, at offset: Int? = nil, kind: JSONParser.Failure.Kind = .syntax) -> JSONParser.Failure {
        let offset = min(offset ?? index, bytes.count)
        var line = 1
        var column = 1
        for byte in bytes[0..<offset] {
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1   // a character, not a continuation byte
            }
        }
        return JSONParser.Failure(kind: kind, path: currentPath(), reason: reason, line: line, column: column)
    }

    /// Notes the first value no field may hold; reading goes on, so that a syntax error
    /// further on is the one reported.
    mutating func note(_ reason: String, at offset: Int? = nil) {
        if unacceptable == nil { unacceptable = failure(reason, at: offset, kind: .unacceptable) }
    }

    /// The byte at the current position, for a message.
    func found() -> String {
        guard index < bytes.count else { return "the end of the document" }
        let byte = bytes[index]
        if byte > 0x20, byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        return "a character that does not belong there"
    }

    /// The JSON path of the value being read ("address.street", "languages[1]").
    func currentPath() -> String {
        var text = ""
        for step in path {
            switch step {
            case .element(let index): text += "[\(index)]"
            case .member(let start?):
                var reader = JSONReader(bytes: bytes, limits: limits)
                reader.index = start
                let name = (try? reader.string()) ?? "?"
                text += text.isEmpty ? name : "." + name
            case .member(nil): break
            }
        }
        return text
    }

    /// The code unit of a `\uXXXX` escape starting at `offset`, or nil.
    func hexEscape(at offset: Int) -> UInt16? {
        guard offset + 5 < bytes.count, bytes[offset] == UInt8(ascii: "\\"), bytes[offset + 1] == UInt8(ascii: "u") else { return nil }
        var unit: UInt16 = 0
        for byte in bytes[(offset + 2)...(offset + 5)] {
            guard let digit = HexDigit.value(byte) else { return nil }
            unit = unit << 4 | UInt16(digit)
        }
        return unit
    }
}
