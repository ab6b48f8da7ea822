/// The organisations of the contract: `canton:KSD|DVI|AWA|BKS`, `municipality:<BFS>`,
/// `delegate:<name>:<BFS>`, `partner:RAV`, parsed so that a wrong string cannot pass as one.
/// Stricter than "parses as a number": a BFS number is 1...9999 written without sign or
/// leading zeros, and a delegate's name is a `PlainName`, so that each organisation has
/// exactly one spelling and comparing them is safe for access decisions. Tokens, access rules
/// and events all read organisations through it.
public enum Organisation: Equatable, Sendable, CustomStringConvertible {
    case canton(String)
    case municipality(bfs: Int)
    case delegate(name: String, bfs: Int)
    case partner(String)

    public init?(_ text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        switch (parts.first, parts.count) {
        case ("canton", 2) where ["KSD", "DVI", "AWA", "BKS"].contains(parts[1]): self = .canton(parts[1])
        case ("municipality", 2):
            guard let bfs = Int(parts[1]), (1...9999).contains(bfs), String(bfs) == parts[1] else { return nil }
            self = .municipality(bfs: bfs)
        case ("delegate", 3):
            guard let bfs = Int(parts[2]), (1...9999).contains(bfs), String(bfs) == parts[2],
                  PlainName.isValid(parts[1], maxLength: 60) else { return nil }
            self = .delegate(name: parts[1], bfs: bfs)
        case ("partner", 2) where ["RAV"].contains(parts[1]): self = .partner(parts[1])
        default: return nil
        }
    }

    public var description: String {
        switch self {
        case .canton(let name): return "canton:\(name)"
        case .municipality(let bfs): return "municipality:\(bfs)"
        case .delegate(let name, let bfs): return "delegate:\(name):\(bfs)"
        case .partner(let name): return "partner:\(name)"
        }
    }
}
