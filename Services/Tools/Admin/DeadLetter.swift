import IASKafka

/// A message read from a `<topic>.dlq`: where it came from and why, and the record that puts
/// it back on its original topic.
struct DeadLetter {
    /// Header that marks a message put back by a replay: `<dlq partition>:<dlq offset>`.
    static let replayedFromHeader = "dlq-replayed-from"

    let message: KafkaMessage

    var position: String { "\(message.topic)[\(message.partition)]@\(message.offset)" }
    var originalTopic: String? { text("dlq-original-topic") }
    var consumer: String? { text("dlq-consumer") }
    var reason: String { text("dlq-reason") ?? "(no reason recorded)" }
    /// Set when this message had been replayed before and was dead-lettered again.
    var replayedBefore: String? { text(Self.replayedFromHeader) }

    /// The original key, value and headers (every `dlq-*` header removed), plus where the
    /// replay took it from.
    func replayRecord(to topic: String) -> KafkaRecord {
        var headers = message.headers.filter { !$0.key.hasPrefix("dlq-") }
        headers.append(KafkaHeader(key: Self.replayedFromHeader, value: Array("\(message.partition):\(message.offset)".utf8)))
        return KafkaRecord(topic: topic, key: message.key, value: message.value, headers: headers)
    }

    private func text(_ header: String) -> String? {
        message.header(header).map { String(decoding: $0, as: UTF8.self) }
    }
}
