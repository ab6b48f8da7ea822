/// A consumed record, copied out of librdkafka's buffers (it outlives the poll that returned it).
public struct KafkaMessage: Sendable {
    public let topic: String
    public let partition: Int32
    public let offset: Int64
    public let key: [UInt8]?
    /// An empty array for both an empty and a null (tombstone) value.
    public let value: [UInt8]
    public let headers: [KafkaHeader]
    /// Milliseconds since 1970 (create or log-append time), nil when the broker sent none.
    public let timestampMs: Int64?

    public init(
        topic: String, partition: Int32, offset: Int64, key: [UInt8]?, value: [UInt8],
        headers: [KafkaHeader], timestampMs: Int64?
    ) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.key = key
        self.value = value
        self.headers = headers
        self.timestampMs = timestampMs
    }

    /// The value of the last header named `key` (Kafka allows repeats; the last one wins, as in
    /// the Java client's `lastHeader`). Nil when absent or when that header has no value.
    public func header(_ key: String) -> [UInt8]? {
        headers.last { $0.key == key }?.value
    }
}
