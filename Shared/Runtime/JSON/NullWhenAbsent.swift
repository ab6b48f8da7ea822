/// An optional member written as `null` when it has no value. Synthesised `Encodable` leaves an
/// absent optional out; where a reader must see that a figure exists but is withheld (the
/// federal report's small cells), it stands as `null`.
@propertyWrapper
public struct NullWhenAbsent<Value: Encodable & Sendable>: Encodable, Sendable {
    public var wrappedValue: Value?

    public init(wrappedValue: Value?) { self.wrappedValue = wrappedValue }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        if let wrappedValue { try container.encode(wrappedValue) } else { try container.encodeNil() }
    }
}
