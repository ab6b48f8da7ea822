import Foundation
import IASRuntime

extension KafkaSecurity {
    /// Reads the security keys every Kafka client of the platform shares (services, the
    /// partner simulator, `ias-admin`):
    ///
    /// | key | librdkafka | default |
    /// |---|---|---|
    /// | `IAS_KAFKA_SECURITY_PROTOCOL` | `security.protocol` | `plaintext` (also `ssl`, `sasl_plaintext`, `sasl_ssl`) |
    /// | `IAS_KAFKA_SASL_MECHANISM` | `sasl.mechanism` | none (`PLAIN`, `SCRAM-SHA-256`, `SCRAM-SHA-512`) |
    /// | `IAS_KAFKA_SASL_USERNAME` | `sasl.username` | none |
    /// | `IAS_KAFKA_SASL_PASSWORD_FILE` | `sasl.password` (the file's content, trailing newline removed) | none |
    /// | `IAS_KAFKA_SSL_CA_FILE` | `ssl.ca.location` | none: the system's CA certificates |
    ///
    /// The password file is read here, once, at start. Every wrong value or combination is
    /// reported to `reader` with the key it concerns, so that it is listed with the other
    /// configuration problems; the password itself never appears in a message.
    public static func load(from reader: ConfigurationReader) -> KafkaSecurity {
        let protocolText = reader.string("IAS_KAFKA_SECURITY_PROTOCOL", default: "plaintext")
        let mechanismText = reader.string("IAS_KAFKA_SASL_MECHANISM", default: "")
        let username = reader.string("IAS_KAFKA_SASL_USERNAME", default: "")
        let passwordFile = reader.string("IAS_KAFKA_SASL_PASSWORD_FILE", default: "")
        let caFile = reader.string("IAS_KAFKA_SSL_CA_FILE", default: "")

        guard let securityProtocol = SecurityProtocol(rawValue: protocolText.lowercased()) else {
            reader.report("IAS_KAFKA_SECURITY_PROTOCOL=\(protocolText) must be one of "
                          + SecurityProtocol.allCases.map(\.rawValue).joined(separator: ", "))
            return .plaintext
        }
        var security = KafkaSecurity(securityProtocol: securityProtocol)
        let named = "IAS_KAFKA_SECURITY_PROTOCOL=\(securityProtocol.rawValue)"

        if securityProtocol.usesSASL {
            if mechanismText.isEmpty {
                reader.report("IAS_KAFKA_SASL_MECHANISM is not set: \(named) needs one of \(Self.mechanismNames)")
            } else if let mechanism = SASLMechanism(rawValue: mechanismText.uppercased()) {
                security.saslMechanism = mechanism
                if mechanism == .plain && !securityProtocol.usesTLS {
                    reader.report("IAS_KAFKA_SASL_MECHANISM=PLAIN sends the password unencrypted with \(named): "
                                  + "use SCRAM-SHA-512 or IAS_KAFKA_SECURITY_PROTOCOL=sasl_ssl")
                }
            } else {
                reader.report("IAS_KAFKA_SASL_MECHANISM=\(mechanismText) must be one of \(Self.mechanismNames)")
            }
            if username.isEmpty {
                reader.report("IAS_KAFKA_SASL_USERNAME is not set: \(named) needs the Kafka user of this program")
            } else if username.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 }) {
                reader.report("IAS_KAFKA_SASL_USERNAME must not contain spaces or control characters")
            } else {
                security.saslUsername = username
            }
            if passwordFile.isEmpty {
                reader.report("IAS_KAFKA_SASL_PASSWORD_FILE is not set: \(named) needs the file that holds the password "
                              + "of IAS_KAFKA_SASL_USERNAME (a mounted secret)")
            } else {
                switch readPassword(at: passwordFile) {
                case .success(let password): security.saslPassword = password
                case .failure(let problem): reader.report("IAS_KAFKA_SASL_PASSWORD_FILE=\(passwordFile) \(problem.reason)")
                }
            }
        } else {
            let onlyForSASL = [("IAS_KAFKA_SASL_MECHANISM", mechanismText), ("IAS_KAFKA_SASL_USERNAME", username),
                               ("IAS_KAFKA_SASL_PASSWORD_FILE", passwordFile)]
            for (key, value) in onlyForSASL where !value.isEmpty {
                reader.report("\(key) is set, but \(named) does not authenticate: use sasl_ssl (or sasl_plaintext), or remove \(key)")
            }
        }

        if !caFile.isEmpty {
            if !securityProtocol.usesTLS {
                reader.report("IAS_KAFKA_SSL_CA_FILE is set, but \(named) does not use TLS: use ssl or sasl_ssl, or remove it")
            } else if let problem = caFileProblem(caFile) {
                reader.report("IAS_KAFKA_SSL_CA_FILE=\(caFile) \(problem)")
            } else {
                security.sslCAFile = caFile
            }
        }
        return security
    }

    static var mechanismNames: String { SASLMechanism.allCases.map(\.rawValue).joined(separator: ", ") }

    struct FileProblem: Error { let reason: String }

    /// The file's text without its trailing line break(s), or why it is not usable. The reason
    /// never quotes the content.
    static func readPassword(at path: String) -> Result<KafkaPassword, FileProblem> {
        guard FileManager.default.fileExists(atPath: path) else {
            return .failure(FileProblem(reason: "does not exist: mount the password secret there or correct the path"))
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            return .failure(FileProblem(reason: "cannot be read by this process (permissions?)"))
        }
        guard var text = String(data: data, encoding: .utf8) else {
            return .failure(FileProblem(reason: "is not UTF-8 text"))
        }
        while let last = text.last, last == "\n" || last == "\r" || last == "\r\n" { text.removeLast() }
        guard !text.isEmpty else { return .failure(FileProblem(reason: "is empty: it must hold the password")) }
        guard !text.contains(where: { $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else {
            return .failure(FileProblem(reason: "holds more than one line: it must hold the password alone"))
        }
        return .success(KafkaPassword(text))
    }

    /// Nil when the file is a readable PEM file with at least one certificate.
    static func caFileProblem(_ path: String) -> String? {
        var directory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &directory) else {
            return "does not exist: mount the brokers' CA certificate there or correct the path"
        }
        guard !directory.boolValue else { return "is a directory: name the PEM file of the CA certificate(s)" }
        guard let data = FileManager.default.contents(atPath: path) else {
            return "cannot be read by this process (permissions?)"
        }
        guard String(decoding: data, as: UTF8.self).contains("-----BEGIN CERTIFICATE-----") else {
            return "holds no PEM certificate (-----BEGIN CERTIFICATE-----)"
        }
        return nil
    }
}
