/// Lower-case hexadecimal text of bytes (digests, checksums).
public enum Hex {
    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        var text: [UInt8] = []
        text.reserveCapacity(bytes.underestimatedCount * 2)
        for byte in bytes { HexDigit.append(byte, to: &text) }
        return String(decoding: text, as: UTF8.self)
    }
}
