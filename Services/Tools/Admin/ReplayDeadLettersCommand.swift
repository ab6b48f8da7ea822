import Foundation
import IASKafka
import IASRuntime

/// `ias-admin replay-dlq`: puts the messages of a dead-letter topic back on their original
/// topics, once their cause is fixed.
///
/// Reads the dead-letter topic with a consumer group of its own (`ias-admin-replay-<topic>`;
/// with `--consumer` the name is added, so a filtered run never hides the other consumers'
/// messages from an unfiltered one). Offsets are stored only after the broker confirmed the
/// republished record, so a second run continues where the first stopped and a failed run
/// replays nothing twice that it reported as done. Consumers are idempotent (inbox): an
/// event a consumer had already applied is skipped by it.
enum ReplayDeadLettersCommand {
    struct Settings {
        var topic: String
        var consumer: String?
        var limit: Int?
        var dryRun: Bool
        var includeReplayed: Bool
        var brokers: String
        /// TLS and SASL of the operator's Kafka user (the services' IAS_KAFKA_* keys).
        var security: KafkaSecurity

        var groupId: String {
            consumer.map { "ias-admin-replay-\(topic)-\($0)" } ?? "ias-admin-replay-\(topic)"
        }
    }

    static func run(_ opts: CommandLineOptions) -> Int32 {
        guard let topic = opts["topic"], topic.hasSuffix(".dlq"), topic.count > 4 else {
            CommandLineOptions.fail("replay-dlq needs --topic <topic>.dlq")
        }
        // Connection settings from the environment, like the services; never from arguments.
        let reader = ConfigurationReader()
        let brokers = reader.string("IAS_KAFKA_BROKERS", default: "127.0.0.1:19092")
        let security = KafkaSecurity.load(from: reader)
        do { try reader.validate() } catch { CommandLineOptions.fail("replay-dlq: \(error)") }
        let settings = Settings(
            topic: topic, consumer: opts["consumer"], limit: opts.int("limit", default: nil, minimum: 1),
            dryRun: opts.flag("dry-run"), includeReplayed: opts.flag("include-replayed"), brokers: brokers, security: security)
        do {
            return try DeadLetterReplay(settings: settings).run()
        } catch {
            CommandLineOptions.printError("replay-dlq: \(error)")
            return 2
        }
    }
}
