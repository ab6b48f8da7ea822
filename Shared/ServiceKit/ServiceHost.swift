import Foundation
import IASAuth
import IASContracts
import IASHTTP
import IASKafka
import IASMessaging
import IASPostgres
import IASRuntime

/// The runtime every service shares: configuration, logging, metrics, the database pool and
/// migrations, the producer and the outbox relay, the consumers, the HTTP server with the
/// operational endpoints, and an orderly shutdown. A service adds its routes and
/// subscriptions, then calls `run()`.
public final class ServiceHost: @unchecked Sendable {
    public let configuration: ServiceConfiguration
    public let logger: Logger
    public let metrics = MetricsRegistry()
    public let pool: PostgresPool
    public let producer: KafkaProducer
    public let router = Router()
    public let source: String
    let verifier: JWTVerifier

    private let relay: OutboxRelay
    /// Audit records of personal-data access, committed in groups (one INSERT statement per
    /// group, which is atomic on its own), then relayed to `Topics.audit` like any event.
    let auditTrail: GroupCommit<EventEnvelope>
    /// The permission each authenticated route declared ("METHOD /pattern" → permission): the
    /// OpenAPI document must state the same (`x-permission`), so clients read the rule as built.
    let routePermissions = Locked<[String: String]>([:])
    private let migrations: [(component: String, migrations: [Migration])]
    private let openAPI: OpenAPIDocument
    private let topics: [String]
    private var subscriptions: [EventSubscription] = []
    private var jobs: [ScheduledJob] = []
    private let jobRunners = Locked<[JobRunner]>([])
    private let processors = Locked<[EventProcessor]>([])
    private let started = Locked(false)
    private let lifecycle: Lifecycle
    private var server: HTTPServer?

    /// - Parameters:
    ///   - publishes: the topics this service writes (created at start if missing).
    ///   - migrations: the service's own migrations (the messaging tables are added here).
    ///   - openAPI: the service's OpenAPI document (JSON bytes).
    public init(service: String, defaultPort: Int, publishes: [String], migrations: [Migration], openAPI: Data,
                usesCaseRegistry: Bool = false,
                environment: [String: String] = ProcessInfo.processInfo.environment,
                extraConfiguration: (ConfigurationReader) -> Void = { _ in }) throws {
        var identity: IdentitySettings?
        configuration = try ServiceConfiguration.load(service: service, defaultPort: defaultPort, environment: environment) { reader in
            identity = IdentitySettings.read(from: reader)
            extraConfiguration(reader)
        }
        logger = Logger(label: service, minimumLevel: configuration.logLevel, fields: ["instance": configuration.instanceId])
        // Read without problems, or load would have thrown.
        guard let identity else { throw ConfigurationError(problems: ["the bearer token settings were not read"]) }
        verifier = try identity.verifier(logger: logger)
        try KafkaLibrary.requireSupportedVersion()
        try KafkaLibrary.requireFeatures(for: configuration.kafka.security)
        source = "/ias/\(service)"
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
        self.migrations = [("messaging", try MessagingMigrations.load())]
            + (usesCaseRegistry ? [(CaseRegistry.component, try CaseRegistry.migrations())] : [])
            + [(service, migrations)]
        self.openAPI = try OpenAPIDocument(data: openAPI)
        topics = publishes
        lifecycle = Lifecycle(logger: logger, shutdownBoundSeconds: configuration.shutdownSeconds)
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

    /// Appends an event to the outbox in the caller's transaction.
    public func publish(_ envelope: EventEnvelope, to topic: String, on connection: PostgresConnection) throws {
        try Outbox.append(envelope, to: topic, on: connection)
    }

    /// A write that honours `Idempotency-Key`: the first response to a key is stored in the
    /// same transaction as the state change and returned again for every repetition. A
    /// different request under the same key is refused with 422.
    public func idempotentWrite(_ context: RequestContext, _ body: (PostgresConnection) throws -> HTTPResponse) throws -> HTTPResponse {
        let request = context.request
        guard let key = request.header("Idempotency-Key") else { return try write(body) }
        guard (1...200).contains(key.utf8.count) else {
            throw Problem.badRequest("Idempotency-Key must be 1 to 200 characters", errors: [FieldError(field: "Idempotency-Key", message: "must be 1 to 200 characters")])
        }
        let scope = "\(request.method) \(request.path) \(context.principal.organisation) \(context.principal.subject)"
        let hash = RequestHash.of(request.body)
        do {
            return try write { connection in
                if let stored = try connection.query(
                    "SELECT request_hash, status, body, disclosed FROM idempotency_keys WHERE scope = $1 AND key = $2", [scope, key]).first {
                    guard try stored.string("request_hash") == hash else {
                        throw Problem.unprocessable("this Idempotency-Key was already used for a different request")
                    }
                    // The replay names the same records as the first answer: audited alike.
                    context.disclose(try stored.json([DisclosedRecord].self, "disclosed"))
                    var response = HTTPResponse.text(try stored.string("body"), status: try stored.int("status"), contentType: "application/json")
                    response.headers.add("Idempotent-Replayed", "true")
                    return response
                }
                let response = try body(connection)
                try connection.execute(
                    "INSERT INTO idempotency_keys (scope, key, request_hash, status, body, disclosed) VALUES ($1, $2, $3, $4, $5, $6::jsonb)",
                    [scope, key, hash, response.status, String(decoding: response.body, as: UTF8.self),
                     try PostgresJSON(context.disclosures.records)])
                return response
            }
        } catch let error as PostgresError where error.isUniqueViolation && error.constraint == "idempotency_keys_pkey" {
            return try idempotentWrite(context, body)   // a concurrent twin won; answer with its response
        }
    }

    public func subscribe(_ subscription: EventSubscription) {
        subscriptions.append(subscription)
    }

    /// Adds a job that runs at its interval once migrations are applied.
    public func schedule(_ job: ScheduledJob) {
        jobs.append(job)
    }

    // MARK: Running

    /// Starts everything, blocks until SIGTERM/SIGINT, shuts down in order, exits.
    public func run() -> Never {
        do { try start() } catch {
            logger.error("cannot start", ["error": String(describing: error)])
            exit(1)
        }
        lifecycle.waitForSignal()
        exit(0)
    }

    func start() throws {
        OperationalRoutes(host: self).register(on: router, document: openAPI)
        let problems = openAPI.mismatches(with: router.routes) + openAPI.mismatches(withPermissions: routePermissions.current)
        guard problems.isEmpty else { throw OpenAPIMismatch(problems: problems) }

        lifecycle.onShutdown("database pool") { [pool] in pool.close() }
        lifecycle.onShutdown("producer") { [producer] in producer.close(timeout: 5) }
        lifecycle.onShutdown("outbox relay") { [relay] in relay.stop() }
        lifecycle.onShutdown("scheduled jobs") { [jobRunners] in
            for runner in jobRunners.current { runner.stop() }
        }
        lifecycle.onShutdown("consumers") { [processors] in
            let all = processors.current
            let group = DispatchGroup()
            for processor in all {
                group.enter()
                Thread.detachNewThread { processor.stop(); group.leave() }
            }
            group.wait()
        }
        let server = HTTPServer(configuration: configuration.http, router: router, logger: logger, metrics: metrics,
                                errorMapper: ServiceHost.mapError)
        try server.start()
        self.server = server
        logger.info("started", ["librdkafka": KafkaLibrary.versionString, "kafkaSecurity": configuration.kafka.security.description])
        let grace = max(1, configuration.shutdownSeconds / 2)
        lifecycle.onShutdown("http server") { server.stop(gracePeriod: grace) }

        metrics.gauge("ias_outbox_backlog", help: "Outbox events not yet confirmed by the broker.") { [pool] in
            guard let n = try? pool.withConnection({ try Outbox.backlog(on: $0) }) else { return [] }
            return [([:], Double(n))]
        }
        EventProcessor.registerLagGauge(on: metrics) { [processors] in processors.current }
        let thread = Thread { [self] in prepareAndStartWorkers() }
        thread.name = "startup"
        thread.start()
    }

    /// Migrations and topics need the database and the broker; until both answer the service
    /// serves `/healthz` and reports not ready, retrying with backoff.
    private func prepareAndStartWorkers() {
        var backoff = 0.5
        while true {
            do {
                for (component, list) in migrations {
                    let applied = try Migrator(pool: pool, component: component, migrations: list, logger: logger).migrate()
                    if !applied.isEmpty {
                        logger.info("migrations applied", ["component": component, "versions": applied.map { String($0.version) }.joined(separator: ",")])
                    }
                }
                let admin = try KafkaAdmin(configuration: configuration.kafka, logger: logger)
                defer { admin.close() }
                let wanted = Set(topics + subscriptions.flatMap(\.topics))
                try admin.ensureTopics(wanted.sorted().map { ($0, configuration.topicPartitions) }, timeout: 10)
                break
            } catch let error as MigrationError {
                // A broken or edited migration does not heal by waiting: stop, say why.
                logger.error("cannot apply the migrations; exiting", ["error": String(describing: error)])
                exit(1)
            } catch {
                logger.warning("not ready yet: database or broker unavailable; retrying",
                               ["error": String(describing: error), "retryInSeconds": String(backoff)])
                Thread.sleep(forTimeInterval: backoff)
                backoff = min(backoff * 2, 5)
            }
        }
        if configuration.outboxRelay {
            relay.start()
        } else {
            // A warning, so that it shows at every log level: an instance that publishes
            // nothing must never be mistaken for a live one.
            logger.warning("outbox relay is OFF (IAS_OUTBOX_RELAY=off): this instance publishes nothing to Kafka; its events stay in its outbox and dead letters are only logged")
        }
        for subscription in subscriptions {
            for _ in 0..<configuration.consumerConcurrency { startConsumer(subscription) }
        }
        for job in jobs {
            let runner = JobRunner(job: job, logger: logger, metrics: metrics)
            jobRunners.withLock { $0.append(runner) }
            runner.start()
        }
        started.withLock { $0 = true }
        logger.info("ready", ["consumers": String(subscriptions.count), "membersPerConsumer": String(configuration.consumerConcurrency)])
    }

    /// One member of `subscription`'s consumer group, on its own thread.
    private func startConsumer(_ subscription: EventSubscription) {
        do {
            let consumer = try KafkaConsumer(configuration: configuration.kafka, groupId: configuration.consumerGroup(for: subscription.name),
                                             topics: subscription.topics, logger: logger)
            var processing = EventProcessor.Configuration()
            processing.batching.maxBatch = configuration.consumerMaxBatch
            processing.publishesDeadLetters = configuration.outboxRelay
            let processor = EventProcessor(subscription: subscription, consumer: consumer, pool: pool, producer: producer,
                                           metrics: metrics, logger: logger, configuration: processing,
                                           afterCommit: { [relay] in relay.wake() })
            processors.withLock { $0.append(processor) }
            processor.start()
        } catch {
            logger.error("cannot create the consumer; exiting so that the orchestrator restarts the service",
                         ["consumer": subscription.name, "error": String(describing: error)])
            exit(1)
        }
    }

    /// Readiness: migrations applied and workers started, every consumer in its group,
    /// database and broker reachable.
    func readiness() -> (ready: Bool, checks: [String: String]) {
        let workers = started.current
        let joined = processors.current.allSatisfy(\.hasJoinedGroup)
        let database = pool.ping()
        let broker = producer.ping(timeoutMs: 1000)
        let checks = ["migrations": workers ? "ok" : "pending", "consumers": joined ? "ok" : "joining",
                      "database": database ? "ok" : "unreachable", "broker": broker ? "ok" : "unreachable"]
        return (workers && joined && database && broker, checks)
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
    static func of(_ bytes: [UInt8]) -> String {
        let canonical = (try? JSONParser.parse(bytes)).flatMap { try? JSONCoding.encode($0) } ?? bytes
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in canonical { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return String(hash, radix: 16)
    }
}
