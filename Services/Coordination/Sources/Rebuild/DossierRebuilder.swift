import Foundation
import IASContracts
import IASCrypto
import IASKafka
import IASMessaging
import IASPostgres
import IASRuntime
import IASServiceKit

/// Builds the dossier tables again from the four topics into the schema `dossier_rebuild` of
/// coordination's own database, with the live consumer's code in `.rebuild` mode.
///
/// The tables are created `LIKE` the live ones (`INCLUDING ALL`: columns, defaults,
/// constraints, indexes), so they are exactly what the applied migrations made, later ones
/// included. Running the migration files again in another schema would not do: 0003 moves
/// `audit_log` into the schema `audit`, which exists already.
///
/// Each transaction sets `search_path` to `dossier_rebuild` alone, so the projection's
/// unqualified SQL writes the rebuilt tables, and anything that tried to open a task or write
/// the outbox would fail (those tables do not exist there) instead of doing live work.
final class DossierRebuilder {
    struct Counts: Sendable, Equatable {
        var read = 0
        var applied = 0
        /// The same event id again (a producer retry, a replayed dead letter): the inbox skips it.
        var duplicates = 0
        /// What the live consumer sent to the dead-letter topic: never applicable.
        var rejected = 0
        var rejectedSamples: [String] = []
        /// Events of cases erased at the end of their retention: the topics still hold them, the dossier must not.
        var erased = 0
    }

    private let pool: PostgresPool
    private let kafka: KafkaConfiguration
    private let logger: Logger
    /// Opens the sealed personal data of intake's events with the keys of the live `case_event_keys`.
    private let caseKeyRing: MasterKeyRing
    private let batchSize = 500
    /// Without any message for this long while partitions are unfinished, the brokers are gone.
    private let idleLimitSeconds = 60.0
    private var rebuild: String { DossierTables.rebuildSchema }
    /// The schema of the live tables, as `prepareSchema` was given it.
    private var live = "public"

    init(pool: PostgresPool, kafka: KafkaConfiguration, caseKeyRing: MasterKeyRing, logger: Logger) {
        self.pool = pool; self.kafka = kafka; self.caseKeyRing = caseKeyRing; self.logger = logger
    }

    /// The schema that holds the live tables (the migrations' default schema, normally `public`).
    static func liveSchema(on c: PostgresConnection) throws -> String {
        guard let row = try c.query("""
            SELECT n.nspname FROM pg_class t JOIN pg_namespace n ON n.oid = t.relnamespace WHERE t.oid = to_regclass('cases')
            """).first else {
            throw RebuildError("coordination's database has no table cases: start coordination once so that it applies its migrations")
        }
        return try row.string("nspname")
    }

    /// Drops what an earlier run left and creates empty tables: the dossier tables and an
    /// inbox (the rebuild's own, so that an event id seen twice is applied once, as live).
    func prepareSchema(live: String) throws {
        self.live = live
        try pool.transaction { c in
            try c.execute("DROP SCHEMA IF EXISTS \(rebuild) CASCADE")
            try c.execute("CREATE SCHEMA \(rebuild)")
            for table in DossierTables.all.map(\.name) + ["inbox"] {
                try c.execute("CREATE TABLE \(rebuild).\(table) (LIKE \(live).\(table) INCLUDING ALL)")
            }
        }
    }

    /// Reads every partition from its beginning to its end in `progress` and applies each event.
    func replay(_ progress: inout RebuildProgress) throws -> Counts {
        var counts = Counts()
        guard !progress.isComplete else { return counts }
        let reader = try KafkaPartitionReader(configuration: kafka, partitions: progress.partitionsToRead, logger: logger)
        defer { reader.close() }
        var batch: [KafkaMessage] = []
        var lastMessage = MonotonicClock.now()
        while !progress.isComplete {
            switch try reader.poll(timeoutMs: 500) {
            case .message(let message):
                lastMessage = MonotonicClock.now()
                let partition = TopicPartition(topic: message.topic, partition: message.partition)
                guard progress.decide(partition, offset: message.offset) == .apply else { continue }
                batch.append(message)
                if batch.count >= batchSize {
                    try apply(batch, &counts)
                    batch.removeAll(keepingCapacity: true)
                }
            case .partitionEnd(let partition):
                progress.reachedEnd(partition)
            case .nothing:
                guard MonotonicClock.now() - lastMessage < idleLimitSeconds else {
                    let open = progress.remaining.sorted().map(\.description).joined(separator: ", ")
                    throw RebuildError("no message from the brokers for \(Int(idleLimitSeconds)) s while \(open) were not read to "
                                       + "the offsets of group \(DossierTables.consumerGroup); check IAS_KAFKA_BROKERS and run again")
                }
            }
        }
        try apply(batch, &counts)
        return counts
    }

    /// One transaction per batch, one savepoint per event: a rejected event is rolled back
    /// alone, as the live consumer's transaction for it was.
    private func apply(_ messages: [KafkaMessage], _ counts: inout Counts) throws {
        guard !messages.isEmpty else { return }
        var batchCounts = counts
        try pool.transaction { c in
            try c.execute("SELECT set_config('search_path', $1, true)", [rebuild])
            for message in messages {
                batchCounts.read += 1
                let envelope: EventEnvelope
                do { envelope = try EventEnvelope.decode(message.value) } catch let rejected as EventRejected {
                    reject(message, rejected.reason, &batchCounts)
                    continue
                }
                try c.execute("SAVEPOINT rebuild_event")
                do {
                    let inserted = try c.execute(
                        "INSERT INTO inbox (consumer, event_id, topic, event_type) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                        [DossierTables.consumer, envelope.id, message.topic, envelope.type])
                    // An erased case's event is read (in the inbox, as the live consumer has it) but not applied;
                    // erased_cases is read live, so that a case erased while the rebuild runs is not brought back either.
                    // So are the events of a case whose key intake destroyed (CaseEventKeys.open gives nil).
                    if inserted == 1, let caseId = Identifier(envelope.subject),
                       try !c.query("SELECT 1 FROM \(live).erased_cases WHERE case_id = $1", [caseId]).isEmpty {
                        batchCounts.erased += 1
                    } else if inserted == 1 {
                        guard let opened = try CaseEventKeys.open(envelope, ring: caseKeyRing, schema: live, on: c) else {
                            batchCounts.erased += 1
                            try c.execute("RELEASE SAVEPOINT rebuild_event")
                            continue
                        }
                        try DossierProjection.apply(opened, mode: .rebuild, on: c)
                        batchCounts.applied += 1
                    } else {
                        batchCounts.duplicates += 1
                    }
                    try c.execute("RELEASE SAVEPOINT rebuild_event")
                } catch let rejected as EventRejected {
                    try c.execute("ROLLBACK TO SAVEPOINT rebuild_event")
                    reject(message, rejected.reason, &batchCounts)
                } catch let pending as CaseEventKeys.KeyPending {
                    // The live consumer of the key topic has not stored it yet; a later run finds it.
                    try c.execute("ROLLBACK TO SAVEPOINT rebuild_event")
                    reject(message, pending.description, &batchCounts)
                }
            }
        }
        counts = batchCounts
    }

    private func reject(_ message: KafkaMessage, _ reason: String, _ counts: inout Counts) {
        counts.rejected += 1
        if counts.rejectedSamples.count < 5 {
            counts.rejectedSamples.append("\(message.topic)[\(message.partition)]@\(message.offset): \(reason.prefix(160))")
        }
    }

    /// Removes the schema (after a swap; after a comparison it stays for inspection).
    func dropSchema() throws {
        try pool.withConnection { c in try c.execute("DROP SCHEMA IF EXISTS \(rebuild) CASCADE") }
    }
}

/// `rebuild-dossier` cannot go on; the text says what happened and what to do.
struct RebuildError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
