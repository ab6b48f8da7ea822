/// The organisation strings of the contract, checked here without depending on the
/// contracts module: `canton:KSD|DVI|AWA|BKS`, `municipality:<BFS>`,
/// `delegate:<name>:<BFS>`, `partner:RAV`.
///
/// Stricter than "parses as a number": a BFS number is 1...9999 written without sign or
/// leading zeros, so that one municipality has exactly one spelling and string comparison
/// of organisations is safe for access decisions.
package enum OrganisationName {
    static let cantons: Set<Substring> = ["KSD", "DVI", "AWA", "BKS"]
    static let partners: Set<Substring> = ["RAV"]
    static let maximumDelegateNameLength = 60

    package static func isWellFormed(_ text: String) -> Bool {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        switch (parts.first, parts.count) {
        case ("canton", 2): return cantons.contains(parts[1])
        case ("municipality", 2): return isBFSNumber(parts[1])
        case ("delegate", 3): return isDelegateName(parts[1]) && isBFSNumber(parts[2])
        case ("partner", 2): return partners.contains(parts[1])
        default: return false
        }
    }

    static func isBFSNumber(_ text: Substring) -> Bool {
        let digits = text.utf8
        guard (1...4).contains(digits.count), digits.first != UInt8(ascii: "0") else { return false }
        return digits.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }

    /// ASCII letters, digits, '-', '_' and '.': enough for names such as "caritas" and
    /// nothing that could be confused with a separator or smuggle control characters.
    static func isDelegateName(_ text: Substring) -> Bool {
        let bytes = text.utf8
        guard (1...maximumDelegateNameLength).contains(bytes.count) else { return false }
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
