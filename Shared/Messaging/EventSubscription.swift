import Foundation
import IASKafka
import IASPostgres

/// What a service consumes: a named consumer (its Kafka group and its inbox name), the topics,
/// and the handler that applies one event inside the transaction that also records it in the
/// inbox. The handler throws `EventRejected` for a message that can never be processed; any
/// other error is treated as passing (database down, …) and the message is retried.
public struct EventSubscription: Sendable {
    /// Applies an event; where it came from does not matter (the envelope says it all).
    public typealias Handler = @Sendable (EventEnvelope, PostgresConnection) throws -> Void
    /// Applies an event knowing the record it came in: for a consumer whose topic says more than
    /// the envelope may claim (a partner's answer: its own topic names the sender).
    public typealias OriginHandler = @Sendable (EventEnvelope, EventOrigin, PostgresConnection) throws -> Void

    public let name: String
    public let topics: [String]
    public let handler: OriginHandler

    public init(name: String, topics: [String], handler: @escaping Handler) {
        self.init(name: name, topics: topics, originHandler: { envelope, _, connection in try handler(envelope, connection) })
    }

    public init(name: String, topics: [String], originHandler: @escaping OriginHandler) {
        self.name = name; self.topics = topics; self.handler = originHandler
    }
}

/// The record an event was consumed from.
public struct EventOrigin: Sendable, Equatable {
    public let topic: String
    public let partition: Int32
    public let offset: Int64

    public init(topic: String, partition: Int32, offset: Int64) {
        self.topic = topic; self.partition = partition; self.offset = offset
    }

    public init(_ message: KafkaMessage) {
        self.init(topic: message.topic, partition: message.partition, offset: message.offset)
    }
}
