/// A partition of a topic, as assigned to a consumer.
struct TopicPartition: Hashable, Sendable, CustomStringConvertible {
    let topic: String
    let partition: Int32

    var description: String { "\(topic)[\(partition)]" }
}
