import Foundation
import IASPostgres

/// What a service consumes: a named consumer (its Kafka group and its inbox name), the topics,
/// and the handler that applies one event inside the transaction that also records it in the
/// inbox. The handler throws `EventRejected` for a message that can never be processed; any
/// other error is treated as passing (database down, …) and the message is retried.
public struct EventSubscription: Sendable {
    public typealias Handler = @Sendable (EventEnvelope, PostgresConnection) throws -> Void

    public let name: String
    public let topics: [String]
    public let handler: Handler

    public init(name: String, topics: [String], handler: @escaping Handler) {
        self.name = name; self.topics = topics; self.handler = handler
    }
}
