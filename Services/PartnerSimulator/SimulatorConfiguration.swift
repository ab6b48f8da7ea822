import Foundation
import IASKafka
import IASRuntime

/// The simulator's settings, each with the default of the local stack.
struct SimulatorConfiguration {
    var brokers: String
    var httpHost: String
    var httpPort: Int
    /// Delay from the referral to the enrolment (MeasureEnrolled).
    var enrolAfterMs: Int
    /// Delay from the referral to the end (MeasureEnded completed); 0 = the measure never ends.
    var endAfterMs: Int
    var topicPartitions: Int
    var sessionTimeoutMs: Int
    var shutdownSeconds: Int
    var instanceId: String
    var logLevel: Logger.Level
    /// TLS and SASL, the same keys as the services (KafkaSecurity.load).
    var security: KafkaSecurity

    static func load(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> SimulatorConfiguration {
        let reader = ConfigurationReader(environment: environment)
        let instance = InstanceSettings.read(from: reader, defaultInstanceId: "partner-simulator-\(ProcessInfo.processInfo.processIdentifier)")
        let configuration = SimulatorConfiguration(
            brokers: reader.string("IAS_KAFKA_BROKERS", default: "127.0.0.1:19092"),
            httpHost: reader.string("IAS_HTTP_HOST", default: "0.0.0.0"),
            httpPort: reader.int("IAS_HTTP_PORT", default: 8090, range: 1...65535),
            enrolAfterMs: reader.int("IAS_SIMULATOR_ENROL_AFTER_MS", default: 500, range: 0...86_400_000),
            endAfterMs: reader.int("IAS_SIMULATOR_END_AFTER_MS", default: 3000, range: 0...86_400_000),
            topicPartitions: reader.int("IAS_KAFKA_TOPIC_PARTITIONS", default: 6, range: 1...1000),
            sessionTimeoutMs: reader.int("IAS_KAFKA_SESSION_TIMEOUT_MS", default: 6000, range: 1000...300_000),
            shutdownSeconds: reader.int("IAS_SHUTDOWN_SECONDS", default: 10, range: 1...300),
            instanceId: instance.instanceId,
            logLevel: instance.logLevel,
            security: KafkaSecurity.load(from: reader))
        try reader.validate()
        return configuration
    }

    var kafka: KafkaConfiguration {
        var k = KafkaConfiguration(brokers: brokers, clientId: instanceId)
        k.sessionTimeoutMs = sessionTimeoutMs
        k.security = security
        return k
    }
}
