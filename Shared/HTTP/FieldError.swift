/// One invalid field of a request: `field` is its JSON path ("languages[1]",
/// "address.street"; empty for the body as a whole), `message` says what is wrong with it.
public struct FieldError: Codable, Sendable, Equatable {
    public let field: String
    public let message: String

    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }
}
