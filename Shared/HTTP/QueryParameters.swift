import IASRuntime

/// The query parameters of a list or report request, read one way. A parameter that is absent
/// reads as nil; one that is given but does not read notes a field error, so that one 400 names
/// every bad parameter at once (`throwIfInvalid`). `limit` and `cursor` are `Pagination`'s.
public struct QueryParameters {
    private let values: [String: String]
    public private(set) var errors = FieldErrors()

    public init(_ request: HTTPRequest) { values = request.query }

    /// The parameter as sent.
    public subscript(name: String) -> String? { values[name] }

    /// The parameter as `read` reads it; nil when absent, and nil with `message` noted when
    /// `read` refuses it.
    public mutating func value<T>(_ name: String, _ message: String, _ read: (String) -> T?) -> T? {
        guard let text = values[name] else { return nil }
        guard let value = read(text) else { errors.add(name, message); return nil }
        return value
    }

    /// As `value`, and an absent parameter is an error too.
    public mutating func required<T>(_ name: String, _ message: String, _ read: (String) -> T?) -> T? {
        guard values[name] != nil else { errors.add(name, message); return nil }
        return value(name, message, read)
    }

    /// One of `T`'s cases by its name; refused as "must be one of …" (the names) unless
    /// `message` says it otherwise.
    public mutating func choice<T: RawRepresentable & CaseIterable>(_ name: String, _ type: T.Type, message: String? = nil) -> T?
    where T.RawValue == String {
        value(name, message ?? "must be one of \(T.allCases.map(\.rawValue).joined(separator: ", "))") { T(rawValue: $0) }
    }

    /// One of `names`, refused as "must be one of …".
    public mutating func choice(_ name: String, among names: [String]) -> String? {
        value(name, "must be one of \(names.joined(separator: ", "))") { names.contains($0) ? $0 : nil }
    }

    public mutating func identifier(_ name: String, _ message: String) -> Identifier? {
        value(name, message) { Identifier($0) }
    }

    public mutating func bool(_ name: String) -> Bool? {
        value(name, "must be true or false") { ["true": true, "false": false][$0] }
    }

    /// 400 with every error noted, if any.
    public func throwIfInvalid() throws { try Problem.throwIfInvalid(errors.list) }
}
