/// The field errors a request's validation collects, so that every rule is checked and all
/// problems are reported at once (`Problem.throwIfInvalid`, `Refusal.throwIfInvalid`).
public struct FieldErrors: Sendable {
    public private(set) var list: [FieldError] = []

    public init() {}

    /// Notes `message` for `field` unless `ok`.
    public mutating func check(_ ok: Bool, _ field: String, _ message: String) {
        if !ok { add(field, message) }
    }

    public mutating func add(_ field: String, _ message: String) {
        list.append(FieldError(field: field, message: message))
    }
}
