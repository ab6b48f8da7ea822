/// A stored text that is not one of an enum's cases: the database holds something the code
/// does not know (a migration is missing).
public struct UnexpectedStoredValue: Error, CustomStringConvertible {
    public let column: String
    public init(column: String) { self.column = column }
    public var description: String { "column \(column) holds a value this version does not know" }
}

extension PostgresRow {
    public func enumValue<T: RawRepresentable>(_ column: String) throws -> T where T.RawValue == String {
        guard let value = T(rawValue: try string(column)) else { throw UnexpectedStoredValue(column: column) }
        return value
    }

    /// nil for SQL NULL.
    public func optionalEnumValue<T: RawRepresentable>(_ column: String) throws -> T? where T.RawValue == String {
        try optionalString(column).map { text in
            guard let value = T(rawValue: text) else { throw UnexpectedStoredValue(column: column) }
            return value
        }
    }
}
