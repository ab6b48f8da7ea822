import Foundation
import IASKafka

/// Builds the record that carries an unprocessable message to `<topic>.dlq`: the original key,
/// value and headers unchanged, plus headers saying why and where it came from, so that the
/// message can be replayed once the cause is fixed.
public enum DeadLetters {
    public static func topic(for topic: String) -> String { topic + ".dlq" }

    public static func record(for message: KafkaMessage, consumer: String, reason: String) -> KafkaRecord {
        var headers = message.headers
        headers.append(KafkaHeader(key: "dlq-reason", value: Array(reason.utf8)))
        headers.append(KafkaHeader(key: "dlq-consumer", value: Array(consumer.utf8)))
        headers.append(KafkaHeader(key: "dlq-original-topic", value: Array(message.topic.utf8)))
        headers.append(KafkaHeader(key: "dlq-original-partition", value: Array(String(message.partition).utf8)))
        headers.append(KafkaHeader(key: "dlq-original-offset", value: Array(String(message.offset).utf8)))
        return KafkaRecord(topic: topic(for: message.topic), key: message.key, value: message.value, headers: headers)
    }
}
