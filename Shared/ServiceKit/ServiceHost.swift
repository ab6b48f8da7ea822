import Foundation
import IASAuth
import IASContracts
import IASCrypto
import IASHTTP
import IASKafka
import IASMessaging
import IASPostgres
import IASRuntime

/// The runtime every service shares: configuration, logging, metrics, the database pool and
/// migrations, the producer and the outbox relay, the consumers, the HTTP server with the
/// operational endpoints, and an orderly shutdown. A service adds its routes, subscriptions
/// and jobs; `ServiceMain` then runs its workers (`workerGroup()`).
public final class ServiceHost: @unchecked Sendable {
    public let configuration: ServiceConfiguration
    public let logger: Logger
    public let metrics = MetricsRegistry()
    public let pool: PostgresPool
    public let producer: KafkaProducer
    public let router = Router()
    let verifier: JWTVerifier

    let relay: OutboxRelay
    /// Audit records of personal-data access, committed in groups (one INSERT statement per
    /// group, which is atomic on its own), then relayed to `Topics.audit` like any event.
    let auditTrail: GroupCommit<EventEnvelope>
    /// The permission each authenticated route declared ("METHOD /pattern" → permission): the
    /// OpenAPI document must state the same (`x-permission`), so clients read the rule as built.
    let routePermissions = Locked<[String: String]>([:])
    let migrations: [(component: String, migrations: [Migration])]
    let openAPI: OpenAPIDocument
    let topics: [String]
    private(set) var subscriptions: [EventSubscription] = []
    private(set) var jobs: [ScheduledJob] = []
    /// Work on the schema after the migrations, as the owner (`afterMigrations`).
    private(set) var migrationSteps: [(PostgresConnection) throws -> Void] = []
    /// The members of the consumer groups, once created (readiness, the lag gauge).
    let processors = Locked<[EventProcessor]>([])
    /// Signalled when a consumer committed applied events: wakes requests waiting for an
    /// event (`IAS-Await-Event`).
    let eventArrivals = EventArrivals()
    /// What the service starts after its migrations; started means ready to work.
    let workers = Locked<WorkerGroup?>(nil)
    /// The retention rules and how the retention job runs (`RetentionJob`).
    public let retention: RetentionSettings
    let usesCaseRegistry: Bool
    /// How the service erases a case at the end of its retention (`eraseCases(with:)`).
    let caseErasure = Locked<CaseErasure?>(nil)
    /// When the retention job last finished a run (seconds since 1970), for the metrics.
    let retentionLastSuccess = Locked<Double?>(nil)
    /// The master keys that wrap the case keys of events (`IAS_CASE_KEY_MASTER_KEYS`): every
    /// service opens the sealed personal data of intake's events with them.
    let caseKeyRing: MasterKeyRing
    /// True in the service that issues case keys and seals its events (intake).
    var sealsPersonalData = false

    /// - Parameters:
    ///   - publishes: the topics this service writes (created at start if missing).
    ///   - migrations: the service's own migrations (the messaging tables are added here).
    ///   - openAPI: the service's OpenAPI document (JSON bytes).
    public init(service: String, defaultPort: Int, publishes: [String], migrations: [Migration], openAPI: Data,
                usesCaseRegistry: Bool = false,
                environment: [String: String] = ProcessInfo.processInfo.environment,
                extraConfiguration: (ConfigurationReader) -> Void = { _ in }) throws {
        var identity: IdentitySettings?
        var retention: RetentionSettings?
        var caseKeyRing: MasterKeyRing?
        configuration = try ServiceConfiguration.load(service: service, defaultPort: defaultPort, environment: environment) { reader in
            identity = IdentitySettings.read(from: reader)
            retention = RetentionSettings.read(from: reader)
            caseKeyRing = CaseEventKeys.readRing(from: reader)
            extraConfiguration(reader)
        }
        logger = Logger(label: service, minimumLevel: configuration.logLevel, fields: ["instance": configuration.instanceId])
        // Read without problems, or load would have thrown.
        guard let identity else { throw ConfigurationError(problems: ["the bearer token settings were not read"]) }
        guard let retention else { throw ConfigurationError(problems: ["the retention settings were not read"]) }
        guard let caseKeyRing else { throw ConfigurationError(problems: ["the case key master keys were not read"]) }
        self.retention = retention
        self.caseKeyRing = caseKeyRing
        self.usesCaseRegistry = usesCaseRegistry
        verifier = try identity.verifier(logger: logger)
        try KafkaLibrary.requireSupportedVersion()
        try KafkaLibrary.requireFeatures(for: configuration.kafka.security)
        pool = PostgresPool(configuration: configuration.database, logger: logger)
        var producerConfiguration = configuration.kafka
        // Every message gets a definitive delivery report before the relay stops waiting for it.
        producerConfiguration.properties["message.timeout.ms"] = "15000"
        producer = try KafkaProducer(configuration: producerConfiguration, logger: logger)
        var relayConfiguration = OutboxRelay.Configuration()
        relayConfiguration.batchSize = configuration.relayBatchSize
        relay = OutboxRelay(pool: pool, producer: producer, metrics: metrics, logger: logger, configuration: relayConfiguration)
        auditTrail = GroupCommit(maxBatch: 256, observeBatch: { [metrics] n in
            metrics.observe("ias_audit_batch_size", help: "Audit records committed together.", value: Double(n),
                            buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256])
        }) { [pool, relay] records in
            try pool.withConnection { try Outbox.append(records, to: Topics.audit, on: $0) }
            relay.wake()
        }
        self.migrations = [("messaging", try MessagingMigrations.load()), (RetentionMigrations.component, try RetentionMigrations.load())]
            + (usesCaseRegistry ? [(CaseRegistry.component, try CaseRegistry.migrations())] : [])
            + [(service, migrations)]
        self.openAPI = try OpenAPIDocument(data: openAPI)
        topics = publishes
        // The issuer of the keys keeps them from its own registrations; every other service from the topic.
        if !publishes.contains(Topics.caseKeys) { subscriptions.append(CaseEventKeys.subscription()) }
    }

    // MARK: Work on the database

    /// Runs `body` in a transaction; events appended to the outbox in it are relayed right
    /// after the commit.
    public func write<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        let result = try pool.transaction(body)
        relay.wake()
        return result
    }

    /// Runs `body` in one snapshot (a repeatable-read transaction): a view assembled from
    /// several queries, such as the dossier, never mixes the states before and after an
    /// event's commit (a case's timeline without its registration, say).
    public func read<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        try pool.transaction(isolation: .repeatableRead, body)
    }

    /// Adds a consumer. An event about a case this service erased at the end of its retention
    /// (a late or replayed one) is skipped, so that nothing of the case is created again, and
    /// so is one of a case whose key intake destroyed at the end of its retention (a replay
    /// from the start); the audit trail's records are kept under their own rule and are not
    /// skipped. The handler receives intake's events with their personal data opened
    /// (`openPersonalData`).
    public func subscribe(_ subscription: EventSubscription) {
        guard !subscription.topics.contains(Topics.audit) else { return subscriptions.append(subscription) }
        subscriptions.append(EventSubscription(name: subscription.name, topics: subscription.topics) { [unowned self] envelope, origin, connection in
            guard let opened = try openPersonalData(envelope, on: connection) else { return }
            try subscription.handler(opened, origin, connection)
        })
    }

    /// How this service erases a case whose closure lies longer back than the case-data rule;
    /// the retention job calls it (a service without one only does the housekeeping kinds).
    public func eraseCases(with erasure: CaseErasure) {
        caseErasure.withLock { $0 = erasure }
    }

    /// Adds a step that runs after the migrations at every start, in a transaction of the role
    /// that runs them (the owner): for data a migration's SQL cannot write by itself. Idempotent.
    public func afterMigrations(_ step: @escaping (PostgresConnection) throws -> Void) {
        migrationSteps.append(step)
    }

    /// Adds a job that runs at its interval once migrations are applied.
    public func schedule(_ job: ScheduledJob) {
        jobs.append(job)
    }

    /// Database outages become 503 (retry later) instead of 500.
    static let mapError: @Sendable (Error) -> Problem? = { error in
        if let error = error as? PostgresError {
            switch error.kind {
            case .unavailable: return Problem.unavailable("the database is not reachable right now; try again shortly", retryAfterSeconds: 2)
            case .query where error.isSerializationFailure: return Problem.unavailable("a concurrent change got in the way; try again", retryAfterSeconds: 1)
            default: return nil
            }
        }
        return nil
    }
}

/// A stable fingerprint of a request body (FNV-1a, 64 bit, over its canonical JSON so that
/// member order and spacing do not matter): detects the reuse of an Idempotency-Key for a
/// different request; not a security measure.
enum RequestHash {
    /// The body (JSON in its canonical form) and, for a body that is not JSON (a document), its
    /// Content-Type and the `IAS-*` headers that describe it: the same bytes under another
    /// description are another request. A JSON request hashes as its body alone.
    static func of(_ request: HTTPRequest) -> String {
        var canonical = (try? JSONParser.parse(request.body)).flatMap { try? JSONCoding.encode($0) } ?? request.body
        if let type = request.header("Content-Type"), !type.lowercased().hasPrefix("application/json") {
            // IAS-Await-Event says when to answer, not what the request is.
            let described = request.headers.pairs
                .filter { $0.name.lowercased().hasPrefix("ias-") && $0.name.lowercased() != EventHeaders.awaitEvent.lowercased() }
                .map { "\($0.name.lowercased()): \($0.value)" }.sorted()
            canonical += Array(("\ncontent-type: \(type)\n" + described.joined(separator: "\n")).utf8)
        }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in canonical { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return String(hash, radix: 16)
    }
}
