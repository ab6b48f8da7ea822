import IASRuntime

/// The field error of a decoding error, as the request decoder reports it.
extension FieldError {
    /// The field and words of `error` (`DecodingError.field`, `.reason`), with the field
    /// named relative to the element at `element`: a list whose rows are validated one by one
    /// reports "dateOfBirth" instead of "persons[3].dateOfBirth" ("" when the element itself
    /// has the wrong type).
    public init(_ error: DecodingError, within element: [any CodingKey]) {
        var field = error.field
        let prefix = DecodingError.path(element)
        if field.hasPrefix(prefix) {
            field.removeFirst(prefix.count)
            if field.hasPrefix(".") { field.removeFirst() }
        }
        self.init(field: field, message: error.reason)
    }
}
