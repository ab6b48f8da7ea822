/// Connection settings shared by producers, consumers and the admin client.
///
/// Each property names the librdkafka key it sets. `properties` is applied last, so it can
/// add any other librdkafka property or override one chosen by this module.
public struct KafkaConfiguration: Sendable {
    /// `bootstrap.servers`: comma-separated `host:port` list.
    public var brokers: String
    /// `client.id`: shows up in broker logs and metrics; use the service name.
    public var clientId: String
    /// Consumer `session.timeout.ms` (librdkafka default 45000). Small, because a group join
    /// waits for about half of it and a member that died is noticed only after it.
    public var sessionTimeoutMs = 6000
    /// Consumer `heartbeat.interval.ms` (librdkafka default 3000); must stay well below the
    /// session timeout.
    public var heartbeatIntervalMs = 1000
    /// TLS and SASL: `security.protocol`, `sasl.*`, `ssl.ca.location` (see KafkaSecurity).
    /// Applies to every client built from this configuration.
    public var security: KafkaSecurity = .plaintext
    /// Extra or overriding librdkafka properties.
    public var properties: [String: String] = [:]

    public init(brokers: String, clientId: String) {
        self.brokers = brokers
        self.clientId = clientId
    }

    /// The common properties and the security settings, then the role's `defaults`, then
    /// `properties`.
    func librdkafkaProperties(_ defaults: [String: String]) -> [String: String] {
        var all: [String: String] = [
            "bootstrap.servers": brokers,
            "client.id": clientId,
            // Only warnings and errors are forwarded to the Logger; skip formatting the rest.
            "log_level": "4",
        ]
        all.merge(security.librdkafkaProperties) { $1 }
        all.merge(defaults) { $1 }
        all.merge(properties) { $1 }
        return all
    }
}
