/// How a client authenticates to the brokers and protects the connection: TLS, SASL, both or
/// neither. A plain value; `KafkaSecurity.load` reads it from the environment and checks every
/// combination at start.
///
/// Printing it (`description`, `dump`, string interpolation) never shows the password.
public struct KafkaSecurity: Sendable, Equatable {
    /// `security.protocol`: how the connection to each broker is made.
    public enum SecurityProtocol: String, Sendable, CaseIterable {
        case plaintext
        case ssl
        case saslPlaintext = "sasl_plaintext"
        case saslSSL = "sasl_ssl"

        /// The connection authenticates with SASL (user name and password).
        public var usesSASL: Bool { self == .saslPlaintext || self == .saslSSL }
        /// The connection is encrypted with TLS (and the brokers' certificates are verified).
        public var usesTLS: Bool { self == .ssl || self == .saslSSL }
    }

    /// `sasl.mechanism`: how the password is proven. SCRAM never sends it; PLAIN sends it as
    /// is and belongs only on TLS connections.
    public enum SASLMechanism: String, Sendable, CaseIterable {
        case plain = "PLAIN"
        case scramSHA256 = "SCRAM-SHA-256"
        case scramSHA512 = "SCRAM-SHA-512"

        /// The `builtin.features` entry librdkafka needs for this mechanism.
        var requiredFeature: String { self == .plain ? "sasl_plain" : "sasl_scram" }
    }

    /// `security.protocol`.
    public var securityProtocol: SecurityProtocol
    /// `sasl.mechanism`; only with a SASL protocol.
    public var saslMechanism: SASLMechanism?
    /// `sasl.username`; only with a SASL protocol.
    public var saslUsername: String?
    /// `sasl.password`; only with a SASL protocol. Read from a file at start, never logged.
    public var saslPassword: KafkaPassword?
    /// `ssl.ca.location`: a PEM file of the certificate authorities that signed the brokers'
    /// certificates; nil uses librdkafka's default (the system's CA certificates). Only with
    /// a TLS protocol.
    public var sslCAFile: String?

    public init(securityProtocol: SecurityProtocol = .plaintext, saslMechanism: SASLMechanism? = nil,
                saslUsername: String? = nil, saslPassword: KafkaPassword? = nil, sslCAFile: String? = nil) {
        self.securityProtocol = securityProtocol
        self.saslMechanism = saslMechanism
        self.saslUsername = saslUsername
        self.saslPassword = saslPassword
        self.sslCAFile = sslCAFile
    }

    /// No TLS, no authentication: the local stack and the tests.
    public static let plaintext = KafkaSecurity()

    /// The librdkafka properties of these settings. Only what applies to the protocol is set,
    /// so a plaintext configuration adds nothing but `security.protocol`.
    public var librdkafkaProperties: [String: String] {
        var properties = ["security.protocol": securityProtocol.rawValue]
        if securityProtocol.usesSASL {
            if let saslMechanism { properties["sasl.mechanism"] = saslMechanism.rawValue }
            if let saslUsername { properties["sasl.username"] = saslUsername }
            if let saslPassword { properties["sasl.password"] = saslPassword.revealed }
        }
        if securityProtocol.usesTLS, let sslCAFile { properties["ssl.ca.location"] = sslCAFile }
        return properties
    }

    /// The `builtin.features` of librdkafka these settings need (`ssl`, `sasl_scram`, …).
    public var requiredLibraryFeatures: Set<String> {
        var features: Set<String> = []
        if securityProtocol.usesTLS { features.insert("ssl") }
        if securityProtocol.usesSASL, let saslMechanism { features.insert(saslMechanism.requiredFeature) }
        return features
    }
}

extension KafkaSecurity: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// For logs: protocol, mechanism, user and CA file; the password only as "set".
    public var description: String {
        var parts = [securityProtocol.rawValue]
        if securityProtocol.usesSASL {
            parts.append(saslMechanism?.rawValue ?? "no mechanism")
            parts.append("user " + (saslUsername ?? "(none)"))
            parts.append(saslPassword == nil ? "no password" : "password set")
        }
        if securityProtocol.usesTLS { parts.append("CA " + (sslCAFile ?? "system default")) }
        return parts.joined(separator: ", ")
    }

    public var debugDescription: String { "KafkaSecurity(\(description))" }

    /// `dump` and the debugger see the description, not the stored password.
    public var customMirror: Mirror { Mirror(self, children: ["settings": description], displayStyle: .struct) }
}

/// A password that prints as `(hidden)` wherever it ends up: logs, errors, `dump`, debuggers.
/// Only `revealed`, used where librdkafka is handed its configuration, gives the text.
public struct KafkaPassword: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    let revealed: String

    public init(_ text: String) { revealed = text }

    public var description: String { "(hidden)" }
    public var debugDescription: String { "(hidden)" }
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}
