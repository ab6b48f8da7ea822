/// Field errors for documents checked piece by piece: a list whose rows are validated one by
/// one reports the failure of a row with the field named relative to that row.
extension FieldError {
    /// The field and words the request decoder would give for `error`, with the field named
    /// relative to the element at `element` (e.g. "dateOfBirth" instead of
    /// "persons[3].dateOfBirth"; "" when the element itself has the wrong type).
    public init(_ error: DecodingError, within element: [any CodingKey]) {
        let full = JSONBodyDecoder.fieldError(error, unfittingNumbers: [])
        let prefix = JSONBodyDecoder.path(element)
        var field = full.field
        if field.hasPrefix(prefix) {
            field.removeFirst(prefix.count)
            if field.hasPrefix(".") { field.removeFirst() }
        }
        self.init(field: field, message: full.message)
    }
}
