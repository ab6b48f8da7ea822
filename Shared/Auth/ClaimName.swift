import IASRuntime

/// Where a claim is found in a token's payload: a member name, or a dotted path into nested
/// objects, as identity providers put roles in different places (`roles`,
/// `realm_access.roles` in Keycloak, `resource_access.<client>.roles`).
///
/// A top-level member whose name is the whole text wins over the path, so that namespaced
/// claim names containing dots (`https://ias.example.ch/roles`) keep working.
public struct ClaimName: Sendable, Equatable, CustomStringConvertible {
    static let maximumLength = 256

    public static let organisation = ClaimName(unchecked: "org")
    public static let roles = ClaimName(unchecked: "roles")

    public let text: String
    private let path: [String]

    /// nil when `text` is empty, longer than 256 bytes, contains blanks or control
    /// characters, or has an empty path segment ("a..b", ".a", "a.").
    public init?(_ text: String) {
        guard (1...Self.maximumLength).contains(text.utf8.count),
              text.utf8.allSatisfy({ (0x21...0x7E).contains($0) || $0 >= 0x80 }) else { return nil }
        let path = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard !path.contains(where: \.isEmpty) else { return nil }
        self.text = text
        self.path = path
    }

    private init(unchecked text: String) {
        self.text = text
        path = [text]
    }

    /// The claim's value in `claims`, or nil when it is absent (or a step of the path is not
    /// an object).
    func value(in claims: [String: JSONValue]) -> JSONValue? {
        if let whole = claims[text] { return whole }
        guard path.count > 1, var current = claims[path[0]] else { return nil }
        for segment in path.dropFirst() {
            guard case .object(let members) = current, let next = members[segment] else { return nil }
            current = next
        }
        return current
    }

    public var description: String { text }

    public static func == (a: ClaimName, b: ClaimName) -> Bool { a.text == b.text }
}
