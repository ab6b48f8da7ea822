/// Names that travel into logs, headers and keys (a request id, a key id, a delegate's name):
/// 1 to `maxLength` ASCII letters, digits, `.`, `_` or `-`, so that nothing can smuggle a
/// separator, a control character or text that needs quoting.
public enum PlainName {
    public static func isValid(_ text: some StringProtocol, maxLength: Int) -> Bool {
        let bytes = text.utf8
        guard (1...maxLength).contains(bytes.count) else { return false }
        return bytes.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."):
                return true
            default:
                return false
            }
        }
    }
}
