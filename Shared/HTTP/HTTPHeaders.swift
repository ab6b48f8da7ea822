/// Header fields in the order they were received or added. Names compare case-insensitively
/// (RFC 9110 §5.1); the original spelling is kept for output.
public struct HTTPHeaders: Sendable {
    private var storage: [(name: String, value: String)]

    public init(_ pairs: [(String, String)] = []) {
        storage = pairs.map { (name: $0.0, value: $0.1) }
    }

    /// The first value of `name`, or nil.
    public subscript(_ name: String) -> String? {
        for field in storage where ASCII.caseInsensitiveEquals(field.name, name) { return field.value }
        return nil
    }

    /// Every value of `name`, in order (fields such as Connection may repeat).
    public func values(_ name: String) -> [String] {
        storage.filter { ASCII.caseInsensitiveEquals($0.name, name) }.map(\.value)
    }

    public mutating func add(_ name: String, _ value: String) {
        storage.append((name: name, value: value))
    }

    /// Replaces every field called `name` with one field holding `value`.
    public mutating func set(_ name: String, _ value: String) {
        remove(name)
        add(name, value)
    }

    public mutating func remove(_ name: String) {
        storage.removeAll { ASCII.caseInsensitiveEquals($0.name, name) }
    }

    public var pairs: [(name: String, value: String)] { storage }

    public var count: Int { storage.count }
}
