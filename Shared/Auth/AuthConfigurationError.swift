/// A key set or token request that cannot be used, with a message that names what is wrong
/// but never contains secret material.
public struct AuthConfigurationError: Error, Equatable, CustomStringConvertible {
    public let message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
