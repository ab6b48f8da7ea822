/// The fast path of `JSONWriter.json(text:)`: copies JSON text compactly with every object's
/// members sorted by their UTF-8 bytes, without building `JSONValue`s.
///
/// It declines (returns false) whatever it cannot copy with certainty of giving the bytes of
/// the parsing path: member names that are not plain ASCII or hold escapes (a dictionary
/// merges canonically equivalent names), strings with escapes or raw control characters,
/// numbers other than integers of at most 15 digits (those are exact as a Double and print
/// the same), duplicate names, nesting as deep as the parser refuses, and invalid text.
/// The input comes from a Swift `String`, so it is valid UTF-8.
struct CanonicalReader {
    let input: UnsafeBufferPointer<UInt8>
    var index = 0

    init(input: UnsafeBufferPointer<UInt8>) { self.input = input }

    mutating func copyDocument(into out: inout [UInt8]) -> Bool {
        skipSpace()
        guard copyValue(into: &out, depth: 0) else { return false }
        skipSpace()
        return index == input.count
    }

    private mutating func copyValue(into out: inout [UInt8], depth: Int) -> Bool {
        guard depth < JSONParser.maximumDepth, index < input.count else { return false }
        switch input[index] {
        case UInt8(ascii: "{"): return copyObject(into: &out, depth: depth)
        case UInt8(ascii: "["): return copyArray(into: &out, depth: depth)
        case UInt8(ascii: "\""): return copyString(into: &out, asciiOnly: false)
        case UInt8(ascii: "t"): return copyLiteral("true", into: &out)
        case UInt8(ascii: "f"): return copyLiteral("false", into: &out)
        case UInt8(ascii: "n"): return copyLiteral("null", into: &out)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return copyInteger(into: &out)
        default: return false
        }
    }

    private mutating func copyLiteral(_ word: StaticString, into out: inout [UInt8]) -> Bool {
        let count = word.utf8CodeUnitCount
        guard index + count <= input.count else { return false }
        for i in 0..<count where input[index + i] != word.utf8Start[i] { return false }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: input[index..<index + count]))
        index += count
        return true
    }

    private mutating func copyString(into out: inout [UInt8], asciiOnly: Bool) -> Bool {
        let start = index
        index += 1
        while index < input.count {
            let b = input[index]
            if b == UInt8(ascii: "\"") {
                index += 1
                out.append(contentsOf: UnsafeBufferPointer(rebasing: input[start..<index]))
                return true
            }
            if b == UInt8(ascii: "\\") || b < 0x20 || (asciiOnly && b >= 0x80) { return false }
            index += 1
        }
        return false
    }

    private mutating func copyInteger(into out: inout [UInt8]) -> Bool {
        let start = index
        let negative = input[index] == UInt8(ascii: "-")
        if negative { index += 1 }
        let digitsStart = index
        while index < input.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(input[index]) { index += 1 }
        let digits = index - digitsStart
        guard (1...15).contains(digits) else { return false }
        if digits > 1, input[digitsStart] == UInt8(ascii: "0") { return false }   // leading zero: not JSON
        if index < input.count, [UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E")].contains(input[index]) { return false }
        if negative, digits == 1, input[digitsStart] == UInt8(ascii: "0") {
            out.append(UInt8(ascii: "0"))   // -0 is the integer 0
        } else {
            out.append(contentsOf: UnsafeBufferPointer(rebasing: input[start..<index]))
        }
        return true
    }

    private mutating func copyArray(into out: inout [UInt8], depth: Int) -> Bool {
        index += 1
        out.append(UInt8(ascii: "["))
        skipSpace()
        if index < input.count, input[index] == UInt8(ascii: "]") { index += 1; out.append(UInt8(ascii: "]")); return true }
        while true {
            skipSpace()
            guard copyValue(into: &out, depth: depth + 1) else { return false }
            skipSpace()
            guard index < input.count else { return false }
            if input[index] == UInt8(ascii: ",") { index += 1; out.append(UInt8(ascii: ",")); continue }
            if input[index] == UInt8(ascii: "]") { index += 1; out.append(UInt8(ascii: "]")); return true }
            return false
        }
    }

    /// Where one member went in the output: the name without quotes, and the whole member.
    private struct Member {
        let name: Range<Int>
        let whole: Range<Int>
    }

    /// Copies the members as they come, then writes them again in sorted order.
    private mutating func copyObject(into out: inout [UInt8], depth: Int) -> Bool {
        index += 1
        let bodyStart = out.count
        var members: [Member] = []
        skipSpace()
        if index < input.count, input[index] == UInt8(ascii: "}") {
            index += 1
            out.append(contentsOf: [UInt8(ascii: "{"), UInt8(ascii: "}")])
            return true
        }
        while true {
            skipSpace()
            guard index < input.count, input[index] == UInt8(ascii: "\"") else { return false }
            let memberStart = out.count
            guard copyString(into: &out, asciiOnly: true) else { return false }
            let name = memberStart + 1..<out.count - 1
            skipSpace()
            guard index < input.count, input[index] == UInt8(ascii: ":") else { return false }
            index += 1
            out.append(UInt8(ascii: ":"))
            skipSpace()
            guard copyValue(into: &out, depth: depth + 1) else { return false }
            members.append(Member(name: name, whole: memberStart..<out.count))
            skipSpace()
            guard index < input.count else { return false }
            if input[index] == UInt8(ascii: ",") { index += 1; continue }
            if input[index] == UInt8(ascii: "}") { index += 1; break }
            return false
        }
        let copied = Array(out[bodyStart...])
        out.removeSubrange(bodyStart...)
        let sorted = copied.withUnsafeBufferPointer { buffer -> [Member]? in
            func name(_ m: Member) -> UnsafeBufferPointer<UInt8> {
                UnsafeBufferPointer(rebasing: buffer[(m.name.lowerBound - bodyStart)..<(m.name.upperBound - bodyStart)])
            }
            let sorted = members.sorted { name($0).lexicographicallyPrecedes(name($1)) }
            for i in sorted.indices.dropFirst() where name(sorted[i - 1]).elementsEqual(name(sorted[i])) { return nil }
            return sorted
        }
        guard let sorted else { return false }   // duplicate names: the parsing path keeps the last
        out.append(UInt8(ascii: "{"))
        for (i, member) in sorted.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: copied[(member.whole.lowerBound - bodyStart)..<(member.whole.upperBound - bodyStart)])
        }
        out.append(UInt8(ascii: "}"))
        return true
    }

    private mutating func skipSpace() {
        while index < input.count {
            switch input[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }
}
