import Foundation
import IASRuntime

/// A strict RFC 8259 syntax check that runs before the decoder, for four reasons: its
/// messages say where the document breaks (line, column, field), it bounds nesting before a
/// recursive decoder could exhaust a connection thread's small stack, it notes numbers
/// that cannot be whole numbers, because Foundation's decoder reports those without a path,
/// and it finds valid JSON that no field may hold (see `unacceptable`).
///
/// Iterative, so hostile nesting costs no stack.
struct JSONSyntaxChecker {
    struct Failure {
        enum Kind {
            /// Not JSON at all.
            case syntax
            /// Bytes inside a string that are not UTF-8.
            case encoding
        }

        let path: String
        let message: String
        var kind = Kind.syntax
    }

    private enum Frame {
        case object(key: Range<Int>?)
        case array(index: Int)
    }

    private enum State { case value, firstValueOrEnd, firstKeyOrEnd, key, colon, afterValue }

    let bytes: [UInt8]
    let maxDepth: Int
    private(set) var unfittingNumbers: [String] = []
    /// The first value that is valid JSON but that no field accepts, with a message in the
    /// style of a validation error: a NUL character (PostgreSQL text cannot hold it and
    /// C-string APIs would cut the text short), an escaped lone surrogate (not Unicode, so
    /// not storable as UTF-8), or a number beyond the range of a Double (it would silently
    /// become infinity or zero). Reported only when the syntax is otherwise valid.
    private(set) var unacceptable: FieldError?
    private var stack: [Frame] = []

    init(bytes: ArraySlice<UInt8>, maxDepth: Int) {
        self.bytes = Array(bytes)
        self.maxDepth = maxDepth
    }

    /// nil when the document is valid JSON within the nesting limit.
    mutating func check() -> Failure? {
        var i = 0
        var state = State.value
        let count = bytes.count
        while true {
            while i < count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 }
            guard i < count else {
                if state == .afterValue && stack.isEmpty { return nil }
                return fail("the document ends unexpectedly", at: i)
            }
            let c = bytes[i]
            switch state {
            case .value, .firstValueOrEnd:
                if state == .firstValueOrEnd, c == UInt8(ascii: "]") {
                    stack.removeLast(); state = .afterValue; i += 1
                    continue
                }
                switch c {
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    guard stack.count < maxDepth else { return fail("nesting is deeper than \(maxDepth) levels", at: i) }
                    let isObject = c == UInt8(ascii: "{")
                    stack.append(isObject ? .object(key: nil) : .array(index: 0))
                    state = isObject ? .firstKeyOrEnd : .firstValueOrEnd
                    i += 1
                case UInt8(ascii: "\""):
                    let scanned = scanString(from: i)
                    if let failure = scanned.failure { return failure }
                    i = scanned.end
                    state = .afterValue
                case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                    guard let end = scanNumber(from: i) else { return fail("invalid number", at: i) }
                    i = end
                    state = .afterValue
                case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
                    let literal = c == UInt8(ascii: "t") ? "true" : c == UInt8(ascii: "f") ? "false" : "null"
                    guard bytes[i...].starts(with: literal.utf8) else { return fail(unexpected(at: i), at: i) }
                    i += literal.utf8.count
                    state = .afterValue
                default:
                    return fail("expected a value but found \(describe(at: i))", at: i)
                }
            case .firstKeyOrEnd, .key:
                if state == .firstKeyOrEnd, c == UInt8(ascii: "}") {
                    stack.removeLast(); state = .afterValue; i += 1
                    continue
                }
                guard c == UInt8(ascii: "\"") else {
                    return fail("expected a member name in double quotes but found \(describe(at: i))", at: i)
                }
                let scanned = scanString(from: i)
                if let failure = scanned.failure { return failure }
                stack[stack.count - 1] = .object(key: (i + 1)..<(scanned.end - 1))
                i = scanned.end
                state = .colon
            case .colon:
                guard c == UInt8(ascii: ":") else { return fail("expected ':' after the member name but found \(describe(at: i))", at: i) }
                i += 1
                state = .value
            case .afterValue:
                guard let top = stack.last else { return fail("unexpected \(describe(at: i)) after the end of the document", at: i) }
                switch (top, c) {
                case (.object, UInt8(ascii: ",")):
                    stack[stack.count - 1] = .object(key: nil)
                    state = .key
                case (.array(let index), UInt8(ascii: ",")):
                    stack[stack.count - 1] = .array(index: index + 1)
                    state = .value
                case (.object, UInt8(ascii: "}")), (.array, UInt8(ascii: "]")): stack.removeLast()
                case (.object, _): return fail("expected ',' or '}' but found \(describe(at: i))", at: i)
                case (.array, _): return fail("expected ',' or ']' but found \(describe(at: i))", at: i)
                }
                i += 1
            }
        }
    }

    // MARK: Tokens

    /// The code unit of a `\\uXXXX` escape starting at `offset`, or nil.
    private func hexEscape(at offset: Int) -> UInt16? {
        guard offset + 5 < bytes.count, bytes[offset] == UInt8(ascii: "\\"), bytes[offset + 1] == UInt8(ascii: "u") else { return nil }
        var unit: UInt16 = 0
        for byte in bytes[(offset + 2)...(offset + 5)] {
            guard let digit = ASCII.hexValue(byte) else { return nil }
            unit = unit << 4 | UInt16(digit)
        }
        return unit
    }

    private func hex(_ unit: UInt16) -> String {
        let digits = String(unit, radix: 16, uppercase: true)
        return String(repeating: "0", count: 4 - digits.count) + digits
    }

    private mutating func noteUnacceptable(_ message: String) {
        if unacceptable == nil { unacceptable = FieldError(field: currentPath(), message: message) }
    }

    enum UTF8Sequence: Equatable {
        case valid(length: Int)
        case invalid(reason: String)
    }

    /// Validates the multi-byte UTF-8 sequence whose lead byte is at `offset` (RFC 3629 §4),
    /// naming the usual ways hostile or broken clients get it wrong.
    static func utf8Sequence(_ bytes: [UInt8], at offset: Int) -> UTF8Sequence {
        let lead = bytes[offset]
        let length: Int
        var secondRange: ClosedRange<UInt8> = 0x80...0xBF
        switch lead {
        case 0x80...0xBF: return .invalid(reason: "a continuation byte without a lead byte")
        case 0xC0, 0xC1: return .invalid(reason: "an overlong encoding")
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; secondRange = 0xA0...0xBF
        case 0xED: length = 3; secondRange = 0x80...0x9F
        case 0xE1...0xEF: length = 3
        case 0xF0: length = 4; secondRange = 0x90...0xBF
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; secondRange = 0x80...0x8F
        default: return .invalid(reason: "a byte that never occurs in UTF-8")
        }
        for index in 1..<length {
            guard offset + index < bytes.count, (0x80...0xBF).contains(bytes[offset + index]) else {
                return .invalid(reason: "a truncated multi-byte sequence")
            }
        }
        let second = bytes[offset + 1]
        guard secondRange.contains(second) else {
            switch lead {
            case 0xE0, 0xF0: return .invalid(reason: "an overlong encoding")
            case 0xED: return .invalid(reason: "an encoded surrogate, as CESU-8 writes them")
            default: return .invalid(reason: "a code point beyond U+10FFFF")
            }
        }
        return .valid(length: length)
    }

    /// The offset after the closing quote, or the reason the string is invalid.
    private mutating func scanString(from start: Int) -> (end: Int, failure: Failure?) {
        var i = start + 1
        while i < bytes.count {
            let c = bytes[i]
            if c == UInt8(ascii: "\"") { return (i + 1, nil) }
            if c < 0x20 { return (i, fail("a control character in a string must be escaped", at: i)) }
            if c >= 0x80 {
                switch Self.utf8Sequence(bytes, at: i) {
                case .valid(let length):
                    i += length
                    continue
                case .invalid(let reason):
                    var failure = fail("invalid UTF-8 in a string (\(reason))", at: i)
                    failure.kind = .encoding
                    return (i, failure)
                }
            }
            guard c == UInt8(ascii: "\\") else {
                i += 1
                continue
            }
            guard i + 1 < bytes.count else { break }
            let escaped = bytes[i + 1]
            if escaped == UInt8(ascii: "u") {
                guard let unit = hexEscape(at: i) else {
                    return (i, fail("invalid \\u escape in a string", at: i))
                }
                if unit == 0 {
                    noteUnacceptable("must not contain the NUL character (\\u0000)")
                } else if (0xD800...0xDBFF).contains(unit) {
                    // A high surrogate is Unicode only as the first half of an escaped pair.
                    if let next = hexEscape(at: i + 6), (0xDC00...0xDFFF).contains(next) {
                        i += 6
                    } else {
                        noteUnacceptable("must not contain an unpaired surrogate escape (\\u\(hex(unit)))")
                    }
                } else if (0xDC00...0xDFFF).contains(unit) {
                    noteUnacceptable("must not contain an unpaired surrogate escape (\\u\(hex(unit)))")
                }
                i += 6
            } else if "\"\\/bfnrt".utf8.contains(escaped) {
                i += 2
            } else {
                return (i, fail("invalid escape sequence in a string", at: i))
            }
        }
        return (bytes.count, fail("a string is not terminated", at: bytes.count))
    }

    /// `-? (0 | [1-9][0-9]*) (.[0-9]+)? ([eE][+-]?[0-9]+)?`; returns the end, or nil.
    private mutating func scanNumber(from start: Int) -> Int? {
        var i = start
        func digits() -> Int {
            let first = i
            while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39 { i += 1 }
            return i - first
        }
        if bytes[i] == UInt8(ascii: "-") { i += 1 }
        guard i < bytes.count else { return nil }
        if bytes[i] == UInt8(ascii: "0") {
            i += 1
        } else if digits() == 0 {
            return nil
        }
        var isWhole = true
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
            i += 1
            guard digits() > 0 else { return nil }
            isWhole = false
        }
        if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            i += 1
            if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
            guard digits() > 0 else { return nil }
            isWhole = false
        }
        let text = String(decoding: bytes[start..<i], as: UTF8.self)
        // Short whole numbers are always finite; others might round to infinity or zero.
        if !isWhole || i - start > 18, let value = Double(text) {
            if !value.isFinite {
                noteUnacceptable("is a number too large to be represented")
            } else if value == 0, bytes[start..<i].prefix(while: { $0 != UInt8(ascii: "e") && $0 != UInt8(ascii: "E") })
                        .contains(where: { $0 >= UInt8(ascii: "1") && $0 <= UInt8(ascii: "9") }) {
                noteUnacceptable("is a number too close to zero to be represented")
            }
        }
        let fits: Bool
        if isWhole {
            fits = i - start <= 18 || Int64(text) != nil
        } else if let value = Double(text), value.isFinite {
            fits = value == value.rounded() && abs(value) < 9.2e18
        } else {
            fits = false
        }
        // Two suspects are enough to know the culprit cannot be named.
        if !fits, unfittingNumbers.count < 2 { unfittingNumbers.append(currentPath()) }
        return i
    }

    // MARK: Messages

    private func fail(_ message: String, at offset: Int) -> Failure {
        var line = 1
        var column = 1
        for byte in bytes[0..<min(offset, bytes.count)] {
            if byte == ASCII.lf {
                line += 1; column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        return Failure(path: currentPath(), message: "\(message) at line \(line), column \(column)")
    }

    private func unexpected(at offset: Int) -> String { "unexpected \(describe(at: offset))" }

    private func describe(at offset: Int) -> String {
        guard offset < bytes.count else { return "the end of the document" }
        let byte = bytes[offset]
        if byte > 0x20, byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        return "a character that does not belong there"
    }

    /// The JSON path of the value being read ("address.street", "languages[1]").
    private func currentPath() -> String {
        var text = ""
        for frame in stack {
            switch frame {
            case .array(let index):
                text += "[\(index)]"
            case .object(let key?):
                let name = memberName(key)
                text += text.isEmpty ? name : "." + name
            case .object(nil):
                break
            }
        }
        return text
    }

    private func memberName(_ range: Range<Int>) -> String {
        let raw = bytes[range]
        guard raw.contains(UInt8(ascii: "\\")) else { return String(decoding: raw, as: UTF8.self) }
        let quoted = Data([UInt8(ascii: "\"")] + raw + [UInt8(ascii: "\"")])
        return (try? JSONCoding.decoder.decode(String.self, from: quoted)) ?? String(decoding: raw, as: UTF8.self)
    }
}
