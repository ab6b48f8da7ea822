/// A media type as a Content-Type states it (RFC 9110 §8.3.1): `type/subtype` without regard
/// to case, and its parameters.
public struct MediaType: Sendable, Equatable {
    /// "type/subtype", lowercased: what two media types are compared by.
    public let essence: String
    /// Parameter values by lowercased name, unquoted.
    public let parameters: [String: String]

    /// Nil when `text` is not `type/subtype` followed by well-formed parameters.
    public init?(_ text: String) {
        guard let (value, parameters) = HeaderParameters.parse(text) else { return nil }
        let parts = value.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty && $0.utf8.allSatisfy(ASCII.isToken) }) else { return nil }
        essence = value.lowercased()
        self.parameters = parameters
    }

    /// The value of parameter `name` (any case).
    public func parameter(_ name: String) -> String? { parameters[name.lowercased()] }
}
