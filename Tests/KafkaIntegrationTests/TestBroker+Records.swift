import IASKafka
import TestSupport

extension TestBroker {
    /// Records of raw bytes (the client is tested, not events), marked as no event so that the
    /// CloudEvents check after the tests (deploy/local/cloudevents_check.py) counts them apart.
    static func records(topic: String, count: Int, from start: Int = 0) -> [KafkaRecord] {
        (start..<start + count).map { i in
            KafkaRecord(
                topic: topic, key: Array("key-\(i % 7)".utf8), value: Array("value-\(i)".utf8),
                headers: [KafkaHeader(key: "index", value: Array(String(i).utf8)), TestEnvironment.poisonHeader])
        }
    }

    /// The index header written by `records(topic:count:from:)`.
    static func index(_ message: KafkaMessage) -> Int? {
        message.header("index").flatMap { Int(String(decoding: $0, as: UTF8.self)) }
    }
}
