import Foundation
import IASCrypto
import IASContracts
import IASKafka
import IASPostgres
import IASRuntime
import IASServiceKit

/// `ias-admin rebuild-dossier [--compare-only | --swap] [--samples N]`: builds the
/// dossier tables again from the four topics, without tasks, referrals or events, compares
/// them with the live tables and, with `--swap`, replaces the live rows (deploy/README.md,
/// "Rebuilding coordination's dossier"). It lives beside coordination's projection, which it
/// runs; the operator command is `ias-admin`'s. Reads coordination's environment
/// (IAS_DATABASE_MIGRATION_URL or IAS_DATABASE_URL, IAS_KAFKA_BROKERS, …); no token settings are needed.
///
/// Exit codes: 0 identical (or swapped and identical afterwards), 1 differences found,
/// 2 wrong command line, unreachable database or brokers, or a refused swap.
public enum RebuildDossierCommand {
    public static let name = "rebuild-dossier"
    static let usage = """
        usage: ias-admin rebuild-dossier [--compare-only | --swap] [--samples N]
          --compare-only  (default) rebuild into schema \(DossierTables.rebuildSchema), compare with the live tables, change nothing live
          --swap          then replace the live dossier rows with the rebuilt ones (stop coordination first)
          --samples N     differing keys shown per table and kind (default 5)
        """

    struct Options: Equatable {
        var swap = false
        var samples = 5
    }

    static func parse(_ arguments: [String]) -> Result<Options, RebuildError> {
        do {
            let parsed = try CommandLineOptions.parsing(arguments, flags: ["compare-only", "swap"], known: ["samples"])
            if parsed.flag("compare-only") && parsed.flag("swap") { throw RebuildError("--compare-only and --swap exclude each other") }
            return .success(Options(swap: parsed.flag("swap"), samples: try parsed.integer("samples", default: 5, minimum: 0)!))
        } catch let error as RebuildError {
            return .failure(error)
        } catch {
            return .failure(RebuildError("\(error)"))
        }
    }

    public static func run(_ arguments: [String]) -> Int32 {
        let options: Options
        switch parse(arguments) {
        case .success(let parsed): options = parsed
        case .failure(let error):
            CommandLineOptions.printError("\(error)\n\(usage)")
            return 2
        }
        do {
            return try execute(options)
        } catch {
            CommandLineOptions.printError("rebuild-dossier: \(error)")
            return 2
        }
    }

    private static func execute(_ options: Options) throws -> Int32 {
        var caseKeyRing: MasterKeyRing?
        let settings = try ServiceConfiguration.load(service: "coordination", defaultPort: 8085) { caseKeyRing = CaseEventKeys.readRing(from: $0) }
        guard let caseKeyRing else { throw RebuildError("the case key master keys were not read") }
        // It creates and drops the rebuild schema: the owner's connection when the runtime role is another.
        var configuration = settings.migrationDatabase ?? settings.database
        configuration.poolSize = 2
        configuration.checkoutTimeout = 30
        // The comparison and the swap read and write whole tables: more than a request's 15 s.
        configuration.statementTimeoutMs = 30 * 60 * 1000
        var kafka = settings.kafka
        kafka.clientId = "ias-coordination-rebuild-dossier-\(settings.instanceId)"
        let logger = Logger(label: "coordination", minimumLevel: .warning, fields: ["command": name])
        let pool = PostgresPool(configuration: configuration, logger: logger)
        defer { pool.close() }

        let live = try pool.withConnection { try DossierRebuilder.liveSchema(on: $0) }
        let committed = try KafkaPartitionReader.committedOffsets(
            configuration: kafka, groupId: DossierTables.consumerGroup, topics: DossierProjection.topics, timeout: 30, logger: logger)
        var progress = RebuildProgress(committed: committed)
        print("rebuild-dossier: reading \(DossierProjection.topics.joined(separator: ", ")) from the beginning to the offsets "
              + "group \(DossierTables.consumerGroup) has committed (\(progress.partitionsToRead.count) partitions with events)")

        let rebuilder = DossierRebuilder(pool: pool, kafka: kafka, caseKeyRing: caseKeyRing, logger: logger)
        try rebuilder.prepareSchema(live: live)
        let counts = try rebuilder.replay(&progress)
        print("events: \(counts.read) read, \(counts.applied) applied, \(counts.duplicates) duplicates skipped, "
              + "\(counts.rejected) rejected (the live consumer dead-lettered them too)")
        for sample in counts.rejectedSamples { print("rejected \(sample)") }
        if counts.erased > 0 { print("events of erased cases skipped: \(counts.erased) (their cases stay erased)") }
        if !progress.endedEarly.isEmpty {
            print("note: \(progress.endedEarly.map(\.description).joined(separator: ", ")) ended before the group's committed offset")
        }

        let report = try DossierComparison.run(live: live, samplesPerKind: options.samples, on: pool)
        report.render().forEach { print($0) }
        guard options.swap else {
            print("the rebuilt tables stay in schema \(DossierTables.rebuildSchema) until the next run")
            return report.isIdentical ? 0 : 1
        }
        if report.isIdentical {
            try rebuilder.dropSchema()
            print("swap: nothing to replace")
            return 0
        }
        let written = try DossierSwap.run(live: live, on: pool)
        print("swap: live dossier tables replaced (" + written.map { "\($0.table) \($0.rows)" }.joined(separator: ", ") + ")")
        let after = try DossierComparison.run(live: live, samplesPerKind: options.samples, on: pool)
        guard after.isIdentical else {
            after.render().forEach { print($0) }
            print("after the swap the tables still differ: the live consumer changed them meanwhile; run again")
            return 1
        }
        try rebuilder.dropSchema()
        print("after the swap: identical")
        return 0
    }
}
