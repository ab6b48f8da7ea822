/// One record header. Kafka allows repeated keys and headers without a value.
public struct KafkaHeader: Sendable, Equatable {
    public let key: String
    public let value: [UInt8]?

    public init(key: String, value: [UInt8]?) {
        self.key = key
        self.value = value
    }
}
