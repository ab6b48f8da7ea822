import Foundation

/// The one writer of JSON text: compact, members of every object sorted by the UTF-8 bytes
/// of their names (stable bytes for fixtures, hashes and comparisons), `/` and non-ASCII
/// written as they are, `"`, `\` and control characters escaped.
///
/// Members may be written in any order: an object whose names did not arrive sorted is
/// re-ordered when it ends (a name given twice keeps its last value). Numbers: integers as
/// they are, a `Double` in its shortest form that reads back to the same value ("0.1",
/// "1e+20", "100" for 100.0), an integral `JSONValue.number` below 9e15 as an integer.
/// These are the bytes Foundation's `JSONEncoder` writes with `.sortedKeys` and
/// `.withoutEscapingSlashes` (the tests compare the two).
public struct JSONWriter {
    public struct NonFiniteNumber: Error, CustomStringConvertible {
        public let value: Double
        public var description: String { "\(value) cannot be written as JSON (only finite numbers can)" }
    }

    public private(set) var bytes: [UInt8] = []
    /// A value was written at the current level, so the next one needs a comma first.
    private var needsComma = false
    /// The members of the open objects, innermost last: name and where the member starts.
    private var members: [(name: String, start: Int)] = []
    /// Per open object: where its members begin in `members`, and whether their names came sorted.
    private var objects: [(firstMember: Int, sorted: Bool)] = []
    /// Room for re-ordering an object's members, kept between objects.
    private var scratch: [UInt8] = []
    private var order: [(name: String, range: Range<Int>)] = []

    public init(capacity: Int = 1024) {
        bytes.reserveCapacity(capacity)
    }

    // MARK: Structure

    public mutating func beginObject() {
        separate()
        bytes.append(UInt8(ascii: "{"))
        needsComma = false
        objects.append((members.count, true))
    }

    /// The name of the next member; the next call writes its value.
    public mutating func key(_ name: String) {
        separate()
        let object = objects.count - 1
        if objects[object].sorted, members.count > objects[object].firstMember,
           !Self.precedes(members[members.count - 1].name, name) {
            objects[object].sorted = false
        }
        members.append((name, bytes.count))
        Self.escape(name, into: &bytes)
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
    }

    public mutating func endObject() {
        let object = objects.removeLast()
        if !object.sorted { sortMembers(from: object.firstMember) }
        members.removeSubrange(object.firstMember...)
        bytes.append(UInt8(ascii: "}"))
        needsComma = true
    }

    public mutating func beginArray() { separate(); bytes.append(UInt8(ascii: "[")); needsComma = false }
    public mutating func endArray() { bytes.append(UInt8(ascii: "]")); needsComma = true }

    // MARK: Scalars

    public mutating func null() { separate(); literal("null") }
    public mutating func bool(_ value: Bool) { separate(); literal(value ? "true" : "false") }

    public mutating func int(_ value: Int64) { separate(); bytes.append(contentsOf: String(value).utf8) }
    public mutating func uint(_ value: UInt64) { separate(); bytes.append(contentsOf: String(value).utf8) }

    public mutating func double(_ value: Double) throws {
        guard value.isFinite else { throw NonFiniteNumber(value: value) }
        separate()
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        bytes.append(contentsOf: text.utf8)
    }

    public mutating func string(_ value: String) { separate(); Self.escape(value, into: &bytes) }

    /// Lower-case canonical form, written digit by digit (no intermediate strings).
    public mutating func identifier(_ value: Identifier) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        withUnsafeBytes(of: value.uuid.uuid) { raw in
            for (i, byte) in raw.enumerated() {
                if i == 4 || i == 6 || i == 8 || i == 10 { bytes.append(UInt8(ascii: "-")) }
                HexDigit.append(byte, to: &bytes)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// `YYYY-MM-DD` (years are 1900...2200 by construction).
    public mutating func date(_ value: CalendarDate) {
        separate()
        func digits(_ n: Int, from divisor: Int) {
            var d = divisor
            while d > 0 { bytes.append(UInt8(ascii: "0") + UInt8(n / d % 10)); d /= 10 }
        }
        bytes.append(UInt8(ascii: "\""))
        digits(value.year, from: 1000); bytes.append(UInt8(ascii: "-"))
        digits(value.month, from: 10); bytes.append(UInt8(ascii: "-"))
        digits(value.day, from: 10)
        bytes.append(UInt8(ascii: "\""))
    }

    /// An RFC 3339 timestamp (`Timestamp.format`).
    public mutating func timestamp(_ value: Date) { string(Timestamp.format(value)) }

    /// An open-shaped value; throws only for a number that is not finite.
    public mutating func value(_ value: JSONValue) throws {
        switch value {
        case .null: null()
        case .bool(let b): bool(b)
        case .string(let s): string(s)
        case .number(let n):
            if let integer = JSONValue.integer(n) { int(integer) } else { try double(n) }
        case .array(let items):
            beginArray()
            for item in items { try self.value(item) }
            endArray()
        case .object(let members):
            // Sorted before writing, so nothing is re-ordered afterwards.
            separate()
            bytes.append(UInt8(ascii: "{"))
            for (i, (name, member)) in members.sorted(by: { Self.precedes($0.key, $1.key) }).enumerated() {
                if i > 0 { bytes.append(UInt8(ascii: ",")) }
                Self.escape(name, into: &bytes)
                bytes.append(UInt8(ascii: ":"))
                needsComma = false
                try self.value(member)
            }
            bytes.append(UInt8(ascii: "}"))
            needsComma = true
        }
    }

    // MARK: Helpers

    /// The order of names: UTF-8 bytes, not `String`'s Unicode-aware `<`.
    static func precedes(_ a: String, _ b: String) -> Bool {
        let fast = a.utf8.withContiguousStorageIfAvailable { x in
            b.utf8.withContiguousStorageIfAvailable { y in
                // Names are short and differ early: a loop beats a call to memcmp.
                for i in 0..<min(x.count, y.count) where x[i] != y[i] { return x[i] < y[i] }
                return x.count < y.count
            }
        }
        return (fast ?? nil) ?? a.utf8.lexicographicallyPrecedes(b.utf8)
    }

    private mutating func literal(_ text: StaticString) { text.withUTF8Buffer { bytes.append(contentsOf: $0) } }

    private mutating func separate() {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
        needsComma = true
    }

    /// Re-writes the members of the object being closed in the order of their names; of a
    /// name given twice, the last member stays.
    private mutating func sortMembers(from first: Int) {
        let start = members[first].start
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: bytes[start...])
        bytes.removeSubrange(start...)
        // Each member runs to the comma before the next one. Reversed, so that the stable
        // sort puts the last of equal names first.
        var end = bytes.count + scratch.count
        order.removeAll(keepingCapacity: true)
        for i in (first..<members.count).reversed() {
            order.append((members[i].name, (members[i].start - start)..<(end - start)))
            end = members[i].start - 1
        }
        order.sort { Self.precedes($0.name, $1.name) }
        var previous: String?
        for (name, range) in order where previous.map({ Self.precedes($0, name) }) ?? true {
            if previous != nil { bytes.append(UInt8(ascii: ",")) }
            bytes.append(contentsOf: scratch[range])
            previous = name
        }
    }

    /// Escapes `"`, `\` and the control characters below 0x20; everything else is written as it is.
    static func escape(_ s: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        // Most text needs no escape: one copy.
        let copied = s.utf8.withContiguousStorageIfAvailable { text in
            guard text.allSatisfy({ $0 >= 0x20 && $0 != 0x22 && $0 != 0x5C }) else { return false }
            out.append(contentsOf: text)
            return true
        }
        if copied != true {
            for b in s.utf8 {
                switch b {
                case 0x22, 0x5C: out.append(0x5C); out.append(b)
                case 0x0A: out.append(0x5C); out.append(UInt8(ascii: "n"))
                case 0x0D: out.append(0x5C); out.append(UInt8(ascii: "r"))
                case 0x09: out.append(0x5C); out.append(UInt8(ascii: "t"))
                case 0x08: out.append(0x5C); out.append(UInt8(ascii: "b"))
                case 0x0C: out.append(0x5C); out.append(UInt8(ascii: "f"))
                case 0..<0x20:
                    out.append(contentsOf: [0x5C, UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")])
                    HexDigit.append(b, to: &out)
                default: out.append(b)
                }
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}

/// A JSON string for lines built by hand (log lines), escaped as `JSONWriter` escapes it.
public enum JSONString {
    public static func quote(_ s: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count + 2)
        JSONWriter.escape(s, into: &out)
        return String(decoding: out, as: UTF8.self)
    }
}
