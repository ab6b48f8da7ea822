import Foundation

/// Compact JSON written straight into bytes, for responses on a hot path where the generic
/// `JSONCoding.encoder` (one boxed container per value) costs most of the request.
///
/// It writes the bytes `JSONCoding.encoder` writes for the same values: strings escaped the
/// same way (`"`, `\`, control characters; `/` and non-ASCII as they are), `Identifier` in
/// lower case, dates and timestamps through the same formatting, a member whose value is nil
/// left out. Member order is the caller's: write members sorted by their UTF-8 bytes, as
/// `.sortedKeys` does. Open-shaped values (`JSONValue`, JSON text) are sorted here.
public struct JSONWriter {
    public private(set) var bytes: [UInt8] = []
    /// A value was written at the current level, so the next one needs a comma first.
    private var needsComma = false

    public init(capacity: Int = 4096) {
        bytes.reserveCapacity(capacity)
    }

    // MARK: Structure

    public mutating func beginObject() { separate(); bytes.append(UInt8(ascii: "{")); needsComma = false }
    public mutating func endObject() { bytes.append(UInt8(ascii: "}")); needsComma = true }
    public mutating func beginArray() { separate(); bytes.append(UInt8(ascii: "[")); needsComma = false }
    public mutating func endArray() { bytes.append(UInt8(ascii: "]")); needsComma = true }

    /// A member name; the next call writes its value. Names are the program's own ASCII
    /// identifiers, so they need no escaping.
    public mutating func key(_ name: StaticString) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
        needsComma = false
    }

    // MARK: Scalars

    public mutating func null() { separate(); append("null") }
    public mutating func bool(_ value: Bool) { separate(); append(value ? "true" : "false") }

    public mutating func int(_ value: Int) {
        separate()
        if value >= 0, value < 10 { bytes.append(UInt8(ascii: "0") + UInt8(value)); return }
        bytes.append(contentsOf: String(value).utf8)
    }

    public mutating func string(_ value: String) {
        separate()
        Self.escape(value, into: &bytes)
    }

    /// Lower-case canonical form, written digit by digit (no intermediate strings).
    public mutating func identifier(_ value: Identifier) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        withUnsafeBytes(of: value.uuid.uuid) { raw in
            for (i, byte) in raw.enumerated() {
                if i == 4 || i == 6 || i == 8 || i == 10 { bytes.append(UInt8(ascii: "-")) }
                bytes.append(Self.hexDigits[Int(byte >> 4)])
                bytes.append(Self.hexDigits[Int(byte & 0xF)])
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// `YYYY-MM-DD` (years are 1900...2200 by construction).
    public mutating func date(_ value: CalendarDate) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        digits(value.year, 4); bytes.append(UInt8(ascii: "-"))
        digits(value.month, 2); bytes.append(UInt8(ascii: "-"))
        digits(value.day, 2)
        bytes.append(UInt8(ascii: "\""))
    }

    /// An RFC 3339 timestamp exactly as `JSONCoding.encoder` writes it (`Timestamp.format`).
    public mutating func timestamp(_ value: Date) {
        string(Timestamp.format(value))
    }

    /// Bytes that already are one JSON value.
    public mutating func raw(_ json: [UInt8]) {
        separate()
        bytes.append(contentsOf: json)
    }

    // MARK: Members, nil left out like `encodeIfPresent`

    public mutating func member(_ name: StaticString, _ value: String) { key(name); string(value) }
    public mutating func member(_ name: StaticString, _ value: Int) { key(name); int(value) }
    public mutating func member(_ name: StaticString, _ value: Bool) { key(name); bool(value) }
    public mutating func member(_ name: StaticString, _ value: Identifier) { key(name); identifier(value) }
    public mutating func member(_ name: StaticString, _ value: CalendarDate) { key(name); date(value) }
    public mutating func member(_ name: StaticString, _ value: Date) { key(name); timestamp(value) }
    public mutating func member(_ name: StaticString, _ value: String?) { if let value { member(name, value) } }
    public mutating func member(_ name: StaticString, _ value: Int?) { if let value { member(name, value) } }
    public mutating func member(_ name: StaticString, _ value: Bool?) { if let value { member(name, value) } }
    public mutating func member(_ name: StaticString, _ value: Identifier?) { if let value { member(name, value) } }
    public mutating func member(_ name: StaticString, _ value: CalendarDate?) { if let value { member(name, value) } }
    public mutating func member(_ name: StaticString, _ value: Date?) { if let value { member(name, value) } }

    /// An array member, each element written by `element`.
    public mutating func member<S: Sequence>(_ name: StaticString, _ elements: S, _ element: (inout JSONWriter, S.Element) -> Void) {
        key(name)
        beginArray()
        for item in elements { element(&self, item) }
        endArray()
    }

    // MARK: Open-shaped values

    /// A `JSONValue` as `JSONCoding.encoder` writes it: members sorted by UTF-8 bytes,
    /// integral numbers below 9e15 as integers, other numbers through the encoder itself.
    public mutating func value(_ value: JSONValue) {
        switch value {
        case .null: null()
        case .bool(let b): bool(b)
        case .string(let s): string(s)
        case .number(let n):
            separate()
            if n == n.rounded(), abs(n) < 9e15 {
                bytes.append(contentsOf: String(Int64(n)).utf8)
            } else {
                // Rare (event data holds integers); the encoder's own digits keep it exact. It
                // refuses only non-finite numbers, which no parsed JSON holds: null for those.
                if let digits = try? JSONCoding.encoder.encode(n) { bytes.append(contentsOf: digits) } else { append("null") }
            }
        case .array(let items):
            beginArray()
            for item in items { self.value(item) }
            endArray()
        case .object(let members):
            beginObject()
            for name in members.keys.sorted(by: Self.precedes) {
                separate()
                Self.escape(name, into: &bytes)
                bytes.append(UInt8(ascii: ":"))
                needsComma = false
                self.value(members[name]!)
            }
            endObject()
        }
    }

    /// JSON text (such as a `jsonb` column) written as `value(JSONParser.parse(text))` would
    /// write it. Text in the shapes stored event data has (ASCII member names, strings
    /// without escapes, integers) is re-ordered without building values; anything else
    /// takes the parsing path. Throws `JSONParser.Failure` for text that is not JSON.
    public mutating func json(text: String) throws {
        let mark = bytes.count, hadComma = needsComma
        separate()
        if Self.copyCanonical(text, into: &bytes) { return }
        bytes.removeSubrange(mark...)
        needsComma = hadComma
        value(try JSONParser.parse(text))
    }

    private static func copyCanonical(_ text: String, into out: inout [UInt8]) -> Bool {
        var text = text
        return text.withUTF8 { input in
            var reader = CanonicalReader(input: input)
            return reader.copyDocument(into: &out)
        }
    }

    // MARK: Helpers

    /// The order of `.sortedKeys`: UTF-8 bytes, not `String`'s Unicode-aware `<`.
    static func precedes(_ a: String, _ b: String) -> Bool { a.utf8.lexicographicallyPrecedes(b.utf8) }

    private mutating func separate() {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
        needsComma = true
    }

    private mutating func append(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    private mutating func digits(_ value: Int, _ width: Int) {
        var divisor = 1
        for _ in 1..<width { divisor *= 10 }
        var rest = value
        while divisor > 0 {
            bytes.append(UInt8(ascii: "0") + UInt8(rest / divisor % 10))
            rest %= divisor
            divisor /= 10
        }
    }

    static let hexDigits = Array("0123456789abcdef".utf8)

    /// Escapes what `JSONEncoder` escapes: `"`, `\` and the control characters below 0x20.
    static func escape(_ s: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for b in s.utf8 {
            switch b {
            case 0x22: out.append(0x5C); out.append(0x22)
            case 0x5C: out.append(0x5C); out.append(0x5C)
            case 0x0A: out.append(0x5C); out.append(UInt8(ascii: "n"))
            case 0x0D: out.append(0x5C); out.append(UInt8(ascii: "r"))
            case 0x09: out.append(0x5C); out.append(UInt8(ascii: "t"))
            case 0x08: out.append(0x5C); out.append(UInt8(ascii: "b"))
            case 0x0C: out.append(0x5C); out.append(UInt8(ascii: "f"))
            case 0..<0x20:
                out.append(contentsOf: [0x5C, UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")])
                out.append(hexDigits[Int(b >> 4)]); out.append(hexDigits[Int(b & 0xF)])
            default: out.append(b)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
