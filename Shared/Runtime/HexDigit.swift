/// Hexadecimal digits, read and written, for every codec that meets them: JSON's `\uXXXX`,
/// HTTP's percent escapes and chunk sizes, PostgreSQL's `\x` bytea text, quoted-printable,
/// digests.
package enum HexDigit {
    /// The value of one hexadecimal digit, either case; nil for any other byte.
    @inline(__always) package static func value(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    /// Appends the two digits of `byte`, high first: lower case, or upper case where the
    /// format asks for it (percent escapes, RFC 3986 §2.1; quoted-printable, RFC 2045 §6.7).
    /// Inlinable, as it is on the paths that write every response and every bytea parameter.
    @inlinable package static func append(_ byte: UInt8, to out: inout [UInt8], uppercase: Bool = false) {
        let letters = uppercase ? UInt8(ascii: "A") - 10 : UInt8(ascii: "a") - 10
        let high = byte >> 4, low = byte & 0x0F
        out.append(high < 10 ? UInt8(ascii: "0") + high : letters + high)
        out.append(low < 10 ? UInt8(ascii: "0") + low : letters + low)
    }
}
