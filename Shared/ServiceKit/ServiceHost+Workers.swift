import IASContracts
import IASHTTP
import IASKafka
import IASMessaging
import IASPostgres
import IASRuntime

extension ServiceHost {
    /// The service's workers in the order they start; they stop in reverse: the HTTP server
    /// first (no new requests, those under way finish), then the consumers (committing their
    /// offsets and leaving their groups), the scheduled jobs, the relay (finishing its batch),
    /// and last the producer and the pool.
    func workerGroup() throws -> WorkerGroup {
        OperationalRoutes(host: self).register(on: router, document: openAPI)
        let problems = openAPI.mismatches(with: router.routes) + openAPI.mismatches(withPermissions: routePermissions.current)
        guard problems.isEmpty else { throw OpenAPIMismatch(problems: problems) }
        metrics.gauge("ias_outbox_backlog", help: "Outbox events not yet confirmed by the broker.") { [pool] in
            guard let n = try? pool.withConnection({ try Outbox.backlog(on: $0) }) else { return [] }
            return [([:], Double(n))]
        }
        EventProcessor.registerLagGauge(on: metrics) { [processors] in processors.current }
        metrics.gauge("ias_retention_last_success_timestamp_seconds", help: "When the retention job last finished a run.") { [retentionLastSuccess] in
            retentionLastSuccess.current.map { [([:], $0)] } ?? []
        }
        if !configuration.outboxRelay {
            // A warning, so that it shows at every log level: an instance that publishes
            // nothing must never be mistaken for a live one.
            logger.warning("outbox relay is OFF (IAS_OUTBOX_RELAY=off): this instance publishes nothing to Kafka; its events stay in its outbox and dead letters are only logged")
        }
        let members = subscriptions.flatMap { subscription in (0..<configuration.consumerConcurrency).map { _ in consumer(subscription) } }
        // Every service runs the retention job beside its own jobs.
        let scheduled = jobs + [RetentionJob(host: self, settings: retention).scheduled]
        let workers = WorkerGroup("workers", [
            AnyWorker("migrations and topics", prepare: { [self] stop in try prepareStorageAndTopics(until: stop) }),
        ] + (configuration.outboxRelay ? [relay] : []) + scheduled.map { $0.worker(logger: logger, metrics: metrics) } + [
            WorkerGroup("consumers", members, stoppingTogether: true, logger: logger),
        ], logger: logger, whenStarted: { [logger, configuration, subscriptions] in
            logger.info("ready", ["consumers": String(subscriptions.count), "membersPerConsumer": String(configuration.consumerConcurrency)])
        })
        self.workers.withLock { $0 = workers }
        var http = configuration.http
        http.gracePeriod = max(1, configuration.shutdownSeconds / 2)
        return WorkerGroup(configuration.serviceName, [
            AnyWorker.closing("database pool") { [pool] in pool.close() },
            AnyWorker.closing("producer") { [producer] in producer.close(timeout: 5) },
            // Until the database and the broker answer, /healthz answers and /readyz says why not.
            AnyWorker.inBackground(workers),
            HTTPServer(configuration: http, router: router, logger: logger, metrics: metrics, errorMapper: ServiceHost.mapError),
        ], logger: logger, whenStarted: { [logger, configuration] in
            logger.info("started", ["librdkafka": KafkaLibrary.versionString, "kafkaSecurity": configuration.kafka.security.description])
        })
    }

    /// Applies the migrations and creates the topics, retrying with backoff while the database
    /// or the broker does not answer. A broken or edited migration does not heal by waiting:
    /// it stops the service, saying why.
    private func prepareStorageAndTopics(until stop: StopSignal) throws {
        try stop.retry({
            try migrate()
            let admin = try KafkaAdmin(configuration: configuration.kafka, logger: logger)
            defer { admin.close() }
            let wanted = Set(topics + subscriptions.flatMap(\.topics))
            try admin.ensureTopics(wanted.sorted().map { ($0, configuration.topicPartitions) }, configs: Topics.settings, timeout: 10)
        }, failed: { error, pause in
            if error is MigrationError { throw error }
            logger.warning("not ready yet: database or broker unavailable; retrying",
                           ["error": String(describing: error), "retryInSeconds": String(pause)])
        })
    }

    /// Applies the migrations of the messaging tables, the case registry (if used) and the
    /// service, in that order; tests that run a service in their own process call it too.
    /// With `IAS_DATABASE_MIGRATION_URL` naming another role, they run as that owner, then the
    /// steps a service added (`afterMigrations`), then the runtime role gets its rights (`DatabaseRoles`).
    public func migrate() throws {
        let owner = configuration.migrationDatabase.map { PostgresPool(configuration: $0, logger: logger) }
        defer { owner?.close() }
        let migrating = owner ?? pool
        for (component, list) in migrations {
            let applied = try Migrator(pool: migrating, component: component, migrations: list, logger: logger).migrate()
            if !applied.isEmpty {
                logger.info("migrations applied", ["component": component, "versions": applied.map { String($0.version) }.joined(separator: ",")])
            }
        }
        for step in migrationSteps {
            try migrating.transaction { try step($0) }
        }
        guard let owner else { return }
        let runtimeRole = try pool.withConnection { try DatabaseRoles.currentRole(on: $0) }
        let ownerRole = try owner.transaction { c -> String in
            let ownerRole = try DatabaseRoles.currentRole(on: c)
            if ownerRole != runtimeRole { try DatabaseRoles.grant(to: runtimeRole, on: c) }
            return ownerRole
        }
        if ownerRole != runtimeRole { logger.info("runtime role granted", ["owner": ownerRole, "runtime": runtimeRole]) }
    }

    /// One member of `subscription`'s consumer group, created once its topics exist.
    private func consumer(_ subscription: EventSubscription) -> AnyWorker {
        let processor = Locked<EventProcessor?>(nil)
        return AnyWorker("consumer \(subscription.name)", prepare: { [self] _ in
            let consumer = try KafkaConsumer(configuration: configuration.kafka, groupId: configuration.consumerGroup(for: subscription.name),
                                             topics: subscription.topics, logger: logger, newGroupStart: configuration.consumerNewGroupStart)
            var processing = EventProcessor.Configuration()
            processing.batching.maxBatch = configuration.consumerMaxBatch
            processing.publishesDeadLetters = configuration.outboxRelay
            let created = EventProcessor(subscription: subscription, consumer: consumer, pool: pool, producer: producer,
                                         metrics: metrics, logger: logger, configuration: processing,
                                         afterCommit: { [relay, eventArrivals] in relay.wake(); eventArrivals.signal() })
            processor.withLock { $0 = created }
            processors.withLock { $0.append(created) }
        }, run: { stop in try processor.current?.run(until: stop) })
    }

    /// Readiness: migrations applied and workers started, every consumer in its group,
    /// database and broker reachable.
    func readiness() -> (ready: Bool, checks: [String: String]) {
        let started = workers.current?.isStarted ?? false
        let joined = processors.current.allSatisfy(\.hasJoinedGroup)
        let database = pool.ping()
        let broker = producer.ping(timeoutMs: 1000)
        let checks = ["migrations": started ? "ok" : "pending", "consumers": joined ? "ok" : "joining",
                      "database": database ? "ok" : "unreachable", "broker": broker ? "ok" : "unreachable"]
        return (started && joined && database && broker, checks)
    }
}
