import Foundation

/// The keys every process of the suite reads about itself, the services, the portal and the
/// partner simulator alike: the name of the instance (`IAS_INSTANCE_ID`, in every log line and
/// in its Kafka client ids) and how much it logs (`IAS_LOG_LEVEL`).
public struct InstanceSettings: Sendable {
    public let instanceId: String
    public let logLevel: Logger.Level

    /// `defaultInstanceId`: host and process id, distinct among replicas, unless a process
    /// names itself by what it is.
    public static func read(from reader: ConfigurationReader,
                            defaultInstanceId: String = ProcessInfo.processInfo.hostName + "-" + String(getpid())) -> InstanceSettings {
        let instance = reader.string("IAS_INSTANCE_ID", default: defaultInstanceId)
        let level = reader.choice("IAS_LOG_LEVEL", default: "info", allowed: Logger.Level.allCases.map(\.name))
        return InstanceSettings(instanceId: instance, logLevel: Logger.Level(name: level) ?? .info)
    }
}
