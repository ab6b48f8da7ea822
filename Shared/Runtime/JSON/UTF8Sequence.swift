/// One multi-byte UTF-8 sequence checked by the rules of RFC 3629 §4, naming the usual ways
/// hostile or broken senders get it wrong, so that a refusal can say which.
public enum UTF8Sequence: Equatable, Sendable {
    case valid(length: Int)
    case invalid(reason: String)

    /// The sequence whose lead byte is at `offset` (a byte of 0x80 or more).
    public static func at<Bytes: RandomAccessCollection<UInt8>>(_ offset: Bytes.Index, in bytes: Bytes) -> UTF8Sequence
    where Bytes.Index == Int {
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
            guard offset + index < bytes.endIndex, (0x80...0xBF).contains(bytes[offset + index]) else {
                return .invalid(reason: "a truncated multi-byte sequence")
            }
        }
        guard secondRange.contains(bytes[offset + 1]) else {
            switch lead {
            case 0xE0, 0xF0: return .invalid(reason: "an overlong encoding")
            case 0xED: return .invalid(reason: "an encoded surrogate, as CESU-8 writes them")
            default: return .invalid(reason: "a code point beyond U+10FFFF")
            }
        }
        return .valid(length: length)
    }
}
