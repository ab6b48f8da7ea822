import Foundation

/// The tokenizer and parser behind `JSONParser`: recursive descent, bounded by the nesting
/// limit, reading the bytes once. It keeps the path of the value being read so that a
/// failure can name it.
struct JSONReader {
    enum Step {
        /// A member of an object: where its name starts once read (read again only for a
        /// message), nil before and between members.
        case member(Int?)
        case element(Int)
    }

    let bytes: UnsafeBufferPointer<UInt8>
    let limits: JSONParser.Limits
    var index = 0
    var path: [Step] = []
    /// The first value that no field may hold, reported when the syntax is otherwise valid.
    var unacceptable: JSONParser.Failure?
    /// The members and elements read so far of the open objects and arrays, innermost last:
    /// each container is built once, at its full size.
    private var members: [(String, JSONValue)] = []
    private var elements: [JSONValue] = []

    init(bytes: UnsafeBufferPointer<UInt8>, limits: JSONParser.Limits) {
        self.bytes = bytes
        self.limits = limits
    }

    mutating func document() throws -> JSONValue {
        let value = try self.value()
        skipSpace()
        if index < bytes.count { throw failure("unexpected \(found()) after the end of the document") }
        if let unacceptable { throw unacceptable }
        return value
    }

    // MARK: Structure

    private mutating func value() throws -> JSONValue {
        skipSpace()
        guard index < bytes.count else { throw failure("the document ends unexpectedly") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
        default: throw failure("expected a value but found \(found())")
        }
    }

    private mutating func open(_ step: Step) throws {
        guard path.count < limits.maximumDepth else { throw failure("nesting is deeper than \(limits.maximumDepth) levels") }
        path.append(step)
        index += 1
        skipSpace()
    }

    private mutating func object() throws -> JSONValue {
        try open(.member(nil))
        let first = members.count
        if closesAtOnce(UInt8(ascii: "}")) { return .object([:]) }
        while true {
            skipSpace()
            guard index < bytes.count else { throw failure("the document ends unexpectedly") }
            guard bytes[index] == UInt8(ascii: "\"") else { throw failure("expected a member name in double quotes but found \(found())") }
            let nameStart = index
            let name = try string()
            path[path.count - 1] = .member(nameStart)
            skipSpace()
            guard index < bytes.count else { throw failure("the document ends unexpectedly") }
            guard bytes[index] == UInt8(ascii: ":") else { throw failure("expected ':' after the member name but found \(found())") }
            index += 1
            members.append((name, try value()))
            guard try next(closing: UInt8(ascii: "}")) else { break }
            path[path.count - 1] = .member(nil)
        }
        // A name given twice keeps its last value.
        var object = [String: JSONValue](minimumCapacity: members.count - first)
        for (name, value) in members[first...] { object[name] = value }
        members.removeSubrange(first...)
        return .object(object)
    }

    private mutating func array() throws -> JSONValue {
        try open(.element(0))
        let first = elements.count
        if closesAtOnce(UInt8(ascii: "]")) { return .array([]) }
        while true {
            elements.append(try value())
            guard try next(closing: UInt8(ascii: "]")) else { break }
            path[path.count - 1] = .element(elements.count - first)
        }
        let array = Array(elements[first...])
        elements.removeSubrange(first...)
        return .array(array)
    }

    /// True, the container left, when it is empty.
    private mutating func closesAtOnce(_ closing: UInt8) -> Bool {
        guard index < bytes.count, bytes[index] == closing else { return false }
        index += 1
        path.removeLast()
        return true
    }

    /// After a member or element: true for a comma (another one follows), false for the
    /// closing bracket (the container ends and leaves the path).
    private mutating func next(closing: UInt8) throws -> Bool {
        skipSpace()
        guard index < bytes.count else { throw failure("the document ends unexpectedly") }
        let byte = bytes[index]
        index += 1
        if byte == UInt8(ascii: ",") { return true }
        if byte == closing { path.removeLast(); return false }
        index -= 1
        throw failure("expected ',' or '\(Character(Unicode.Scalar(closing)))' but found \(found())")
    }

    private mutating func literal(_ word: StaticString) throws {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count,
              UnsafeBufferPointer(start: word.utf8Start, count: count).elementsEqual(bytes[index..<index + count]) else {
            throw failure("unexpected \(found())")
        }
        index += count
    }

    private mutating func skipSpace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default: return
            }
        }
    }

    // MARK: Numbers

    /// `-? (0 | [1-9][0-9]*) (.[0-9]+)? ([eE][+-]?[0-9]+)?`
    private mutating func number() throws -> Double {
        let start = index
        func digits() -> Int {
            let first = index
            while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") { index += 1 }
            return index - first
        }
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count else { throw failure("invalid number", at: start) }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else if digits() == 0 {
            throw failure("invalid number", at: start)
        }
        var isWhole = true
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard digits() > 0 else { throw failure("invalid number", at: start) }
            isWhole = false
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard digits() > 0 else { throw failure("invalid number", at: start) }
            isWhole = false
        }
        let text = UnsafeBufferPointer(rebasing: bytes[start..<index])
        // Up to 15 digits an integer is exact as a Double: no text to convert.
        if isWhole, text.count <= 15 {
            var value = 0
            for byte in text where byte != UInt8(ascii: "-") { value = value * 10 + Int(byte - UInt8(ascii: "0")) }
            return Double(text[0] == UInt8(ascii: "-") ? -value : value)
        }
        guard let value = Double(String(decoding: text, as: UTF8.self)) else { throw failure("invalid number", at: start) }
        if !value.isFinite {
            note("is a number too large to be represented", at: start)
        } else if value == 0, limits.refusesUnstorable,
                  text.prefix(while: { $0 != UInt8(ascii: "e") && $0 != UInt8(ascii: "E") })
                    .contains(where: { $0 >= UInt8(ascii: "1") && $0 <= UInt8(ascii: "9") }) {
            note("is a number too close to zero to be represented", at: start)
        }
        return value
    }

    // MARK: Strings

    mutating func string() throws -> String {
        index += 1   // the opening quote
        let start = index
        // Without escapes the text is the bytes themselves.
        while index < bytes.count {
            let byte = bytes[index]
            if byte >= 0x20, byte < 0x80, byte != UInt8(ascii: "\""), byte != UInt8(ascii: "\\") {
                index += 1
            } else if byte == UInt8(ascii: "\"") {
                defer { index += 1 }
                return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
            } else if byte == UInt8(ascii: "\\") {
                return try escapedString(from: start)
            } else {
                try character(byte)
            }
        }
        throw failure("a string is not terminated", at: bytes.count)
    }

    /// Accepts one unescaped character starting with `byte` and moves past it.
    private mutating func character(_ byte: UInt8) throws {
        if byte < 0x20 { throw failure("a control character in a string must be escaped") }
        guard byte >= 0x80 else { index += 1; return }
        switch UTF8Sequence.at(index, in: bytes) {
        case .valid(let length): index += length
        case .invalid(let reason): throw failure("invalid UTF-8 in a string (\(reason))", kind: .encoding)
        }
    }

    private mutating func escapedString(from start: Int) throws -> String {
        var text = Array(UnsafeBufferPointer(rebasing: bytes[start..<index]))
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                return String(decoding: text, as: UTF8.self)
            }
            guard byte == UInt8(ascii: "\\") else {
                let first = index
                try character(byte)
                text.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[first..<index]))
                continue
            }
            guard index + 1 < bytes.count else { break }
            let escaped = bytes[index + 1]
            switch escaped {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): text.append(escaped)
            case UInt8(ascii: "b"): text.append(0x08)
            case UInt8(ascii: "f"): text.append(0x0C)
            case UInt8(ascii: "n"): text.append(0x0A)
            case UInt8(ascii: "r"): text.append(0x0D)
            case UInt8(ascii: "t"): text.append(0x09)
            case UInt8(ascii: "u"):
                try appendUnicodeEscape(to: &text)
                continue
            default: throw failure("invalid escape sequence in a string")
            }
            index += 2
        }
        throw failure("a string is not terminated", at: bytes.count)
    }

    /// `\uXXXX`, or a pair of them for a character beyond the BMP. A lone surrogate is no
    /// Unicode scalar: it is noted and stands as U+FFFD meanwhile.
    private mutating func appendUnicodeEscape(to text: inout [UInt8]) throws {
        guard let unit = hexEscape(at: index) else { throw failure("invalid \\u escape in a string") }
        index += 6
        var scalar = Unicode.Scalar(unit)
        if (0xD800...0xDBFF).contains(unit), let low = hexEscape(at: index), (0xDC00...0xDFFF).contains(low) {
            scalar = Unicode.Scalar(0x10000 + (UInt32(unit) - 0xD800) << 10 + (UInt32(low) - 0xDC00))
            index += 6
        } else if scalar == nil {
            note("must not contain an unpaired surrogate escape (\\u\(String(format: "%04X", unit)))")
        } else if unit == 0, limits.refusesUnstorable {
            note("must not contain the NUL character (\\u0000)")
        }
        text.append(contentsOf: String(Character(scalar ?? "\u{FFFD}")).utf8)
    }
}
