import Foundation
import IASHTTP
import IASKafka
import IASPostgres
import IASRuntime

/// Everything a service reads from its environment, validated at start. Each key has a
/// default that fits the local stack (`make run`); production sets them all.
public struct ServiceConfiguration: Sendable {
    public let serviceName: String
    public let instanceId: String
    public let logLevel: Logger.Level
    public let http: HTTPServerConfiguration
    public let database: PostgresConfiguration
    /// The owner's connection (`IAS_DATABASE_MIGRATION_URL`) when it is another than the
    /// runtime's: migrations run through it, then the runtime role is granted what it may do
    /// (`DatabaseRoles`). Nil: the runtime role owns the schema and runs the migrations itself.
    public var migrationDatabase: PostgresConfiguration?
    public let kafka: KafkaConfiguration
    public let topicPartitions: Int
    public let shutdownSeconds: Double
    public let relayBatchSize: Int
    /// Events a consumer applies in one transaction at most.
    public let consumerMaxBatch: Int
    /// Off (`IAS_OUTBOX_RELAY=off`): the instance publishes nothing to Kafka, neither its
    /// outbox nor dead letters. For a second instance that replays the topics into a database
    /// of its own (the benchmark's drain) and must not duplicate events into the live system.
    public var outboxRelay: Bool = true
    /// Members each consumer runs in its group, in this process: the group shares the
    /// partitions among them, so they apply batches of different partitions at the same time
    /// (order within a partition is kept, as with several replicas).
    public var consumerConcurrency: Int = 1
    /// Appended to every consumer group id (`IAS_CONSUMER_GROUP_SUFFIX`): an instance with a
    /// suffix of its own reads every subscribed topic from the beginning, beside the live groups.
    public var consumerGroupSuffix: String = ""
    /// Where the suffixed groups begin when they have committed nothing yet
    /// (`IAS_CONSUMER_NEW_GROUP_START`): at the beginning of each topic (the rule), or at its
    /// end, for a stack on databases of its own beside the live groups (`NewGroupStart`). The
    /// service's own groups (no suffix) always begin at the beginning.
    public var consumerNewGroupStart: NewGroupStart = .beginning
    /// How long a request naming events in `IAS-Await-Event` waits for them at most
    /// (`IAS_AWAIT_EVENT_SECONDS`; 0: look once).
    public var awaitEventSeconds: Double = 2

    /// The Kafka group of a subscription: `ias-<service>-<consumer>`, then `-<suffix>` if set.
    public func consumerGroup(for subscription: String) -> String {
        Self.consumerGroup(service: serviceName, subscription: subscription, suffix: consumerGroupSuffix)
    }

    static func consumerGroup(service: String, subscription: String, suffix: String) -> String {
        "ias-\(service)-\(subscription)" + (suffix.isEmpty ? "" : "-\(suffix)")
    }

    /// Why a group suffix is not usable, or nil. Kafka accepts almost anything, but a group id
    /// also names the group in tools and logs: keep it to what needs no quoting.
    static func groupSuffixProblem(_ suffix: String) -> String? {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
        guard suffix.count <= 100, suffix.allSatisfy(allowed.contains) else {
            return "IAS_CONSUMER_GROUP_SUFFIX=\(suffix) must be at most 100 letters, digits, '.', '_' or '-'"
        }
        return nil
    }

    /// Why a start at the end is not allowed, or nil: the service's own groups must see every
    /// event, so only groups of their own (a suffix) may skip what was published before them.
    static func newGroupStartProblem(_ start: String, suffix: String) -> String? {
        guard start == NewGroupStart.end.rawValue, suffix.isEmpty else { return nil }
        return "IAS_CONSUMER_NEW_GROUP_START=end needs IAS_CONSUMER_GROUP_SUFFIX: the service's own groups always begin at the beginning"
    }

    /// Reads the common keys; `extra` lets a service read its own keys with the same reader so
    /// that all problems are reported together.
    public static func load(service: String, defaultPort: Int, environment: [String: String] = ProcessInfo.processInfo.environment,
                            extra: (ConfigurationReader) -> Void = { _ in }) throws -> ServiceConfiguration {
        let reader = ConfigurationReader(environment: environment)
        let instance = InstanceSettings.read(from: reader)

        let http = HTTPServerConfiguration.read(from: reader, defaultPort: defaultPort)

        var database = PostgresConfiguration(url: reader.string(
            "IAS_DATABASE_URL", default: "postgresql://ias_\(service)@127.0.0.1:55432/ias_\(service)"))
        let concurrency = reader.int("IAS_CONSUMER_CONCURRENCY", default: 1, range: 1...16)
        // Each further member of a consumer group may hold a connection of its own (up to
        // three consumers per service), beside the requests the pool also serves.
        database.poolSize = reader.int("IAS_DATABASE_POOL_SIZE", default: PostgresConfiguration.defaultPoolSize + 3 * (concurrency - 1),
                                       range: 1...200)
        database.checkoutTimeout = reader.double("IAS_DATABASE_CHECKOUT_TIMEOUT_SECONDS", default: 2, range: 0.05...60)
        database.applicationName = "ias-\(service)"
        // Empty: the runtime URL, i.e. one role owns and uses the schema (no grants).
        let migrationURL = reader.string("IAS_DATABASE_MIGRATION_URL", default: "")
        var migrationDatabase: PostgresConfiguration?
        if !migrationURL.isEmpty && migrationURL != database.url {
            var owner = PostgresConfiguration(url: migrationURL)
            owner.poolSize = 1
            owner.checkoutTimeout = database.checkoutTimeout
            // A migration may rewrite a large table: more than a request's 15 s.
            owner.statementTimeoutMs = 10 * 60 * 1000
            owner.applicationName = "ias-\(service)-migrations"
            migrationDatabase = owner
        }

        var kafka = KafkaConfiguration(brokers: reader.string("IAS_KAFKA_BROKERS", default: "127.0.0.1:19092"),
                                       clientId: "ias-\(service)-\(instance.instanceId)")
        kafka.sessionTimeoutMs = reader.int("IAS_KAFKA_SESSION_TIMEOUT_MS", default: 6000, range: 1000...300_000)
        kafka.heartbeatIntervalMs = max(100, kafka.sessionTimeoutMs / 6)
        // TLS and SASL of every client of the service (IAS_KAFKA_SECURITY_PROTOCOL, …); the
        // password file is read here, once.
        kafka.security = KafkaSecurity.load(from: reader)
        let partitions = reader.int("IAS_KAFKA_TOPIC_PARTITIONS", default: 6, range: 1...1000)
        let shutdown = reader.double("IAS_SHUTDOWN_SECONDS", default: 10, range: 1...300)
        let batch = reader.int("IAS_OUTBOX_BATCH_SIZE", default: 500, range: 1...10_000)
        let consumerBatch = reader.int("IAS_CONSUMER_MAX_BATCH", default: 256, range: 1...10_000)
        let relay = reader.bool("IAS_OUTBOX_RELAY", default: true)
        let groupSuffix = reader.string("IAS_CONSUMER_GROUP_SUFFIX", default: "")
        let newGroupStart = reader.choice("IAS_CONSUMER_NEW_GROUP_START", default: "beginning",
                                          allowed: NewGroupStart.allCases.map(\.rawValue))
        let awaitEvent = reader.double("IAS_AWAIT_EVENT_SECONDS", default: 2, range: 0...10)
        extra(reader)
        let problems = reader.problems + [groupSuffixProblem(groupSuffix), newGroupStartProblem(newGroupStart, suffix: groupSuffix)].compactMap { $0 }
        guard problems.isEmpty else { throw ConfigurationError(problems: problems) }
        var configuration = ServiceConfiguration(
            serviceName: service, instanceId: instance.instanceId, logLevel: instance.logLevel, http: http,
            database: database, kafka: kafka, topicPartitions: partitions, shutdownSeconds: shutdown, relayBatchSize: batch,
            consumerMaxBatch: consumerBatch)
        configuration.migrationDatabase = migrationDatabase
        configuration.outboxRelay = relay
        configuration.consumerConcurrency = concurrency
        configuration.consumerGroupSuffix = groupSuffix
        configuration.consumerNewGroupStart = NewGroupStart(rawValue: newGroupStart) ?? .beginning
        configuration.awaitEventSeconds = awaitEvent
        return configuration
    }
}
