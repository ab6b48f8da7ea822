import IASKafka

/// The one way an event becomes a Kafka record: CloudEvents structured mode, as the contract
/// says. The value is the whole envelope (attributes and data), the key the case id, and the
/// only header is `content-type: application/cloudevents+json`. No `ce_*` header is ever set:
/// the CloudEvents SDKs read any `ce_` header as binary mode, look for every attribute in
/// headers and refuse the record (no `ce_source`, no `ce_id`, …).
extension KafkaRecord {
    /// The header that says "structured CloudEvent" (`EventEnvelope.contentType`).
    public static let cloudEventContentType = KafkaHeader(key: "content-type", value: Array(EventEnvelope.contentType.utf8))

    /// A record of an envelope that is already encoded (the outbox keeps the bytes).
    public static func event(topic: String, key: String, encoded value: [UInt8]) -> KafkaRecord {
        KafkaRecord(topic: topic, key: Array(key.utf8), value: value, headers: [cloudEventContentType])
    }

    /// A record of `envelope`, keyed by its subject (the case id).
    public static func event(_ envelope: EventEnvelope, topic: String) throws -> KafkaRecord {
        event(topic: topic, key: envelope.subject, encoded: try envelope.encoded())
    }
}
