import Foundation

/// A migration set that cannot be applied as it stands; the message says what to fix.
public struct MigrationError: Error, CustomStringConvertible, Sendable {
    public let message: String

    public init(_ message: String) { self.message = message }

    public var description: String { "migration error: \(message)" }
}
