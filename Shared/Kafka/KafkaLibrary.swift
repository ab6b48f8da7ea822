internal import CRdKafka

/// The librdkafka loaded at run time (which may differ from the headers compiled against).
public enum KafkaLibrary {
    /// 2.2.0: older versions misread the tagged fields of current brokers' ApiVersions
    /// responses ("Read underflow") and cannot connect.
    public static let minimumVersionNumber = 0x0202_00FF
    public static let minimumVersionString = "2.2.0"

    public static var versionString: String { String(cString: rd_kafka_version_str()) }
    public static var versionNumber: Int { Int(rd_kafka_version()) }

    /// librdkafka's `builtin.features` of the loaded library (`ssl`, `sasl_scram`, `zstd`, …):
    /// what it was built with, which decides whether TLS or SCRAM can be configured at all.
    public static var builtinFeatures: Set<String> {
        let conf = rd_kafka_conf_new()!
        defer { rd_kafka_conf_destroy(conf) }
        var bytes = [CChar](repeating: 0, count: 1024)
        var size = bytes.count
        guard rd_kafka_conf_get(conf, "builtin.features", &bytes, &size) == RD_KAFKA_CONF_OK else { return [] }
        let text = String(decoding: bytes.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return Set(text.split(separator: ",").map(String.init))
    }

    /// Throws when the loaded library lacks a feature `security` needs (TLS, SCRAM), naming it.
    public static func requireFeatures(for security: KafkaSecurity) throws {
        let missing = security.requiredLibraryFeatures.subtracting(builtinFeatures)
        guard !missing.isEmpty else { return }
        throw KafkaError(
            code: RD_KAFKA_RESP_ERR__NOT_IMPLEMENTED.rawValue,
            message: "the loaded librdkafka \(versionString) was built without \(missing.sorted().joined(separator: ", ")), "
                + "which the security settings (\(security)) need: load a librdkafka built with them (the project's .local/lib "
                + "and the image carry one from the confluent-kafka wheel)",
            isFatal: true)
    }

    /// Throws when the loaded librdkafka is older than 2.2.0.
    public static func requireSupportedVersion() throws {
        try checkSupported(versionNumber: versionNumber, versionString: versionString)
    }

    /// The check behind `requireSupportedVersion`, for any version number (0xMMmmrrpp).
    /// The pre-release byte is ignored, so 2.2.0-RC1 counts as 2.2.0.
    public static func checkSupported(versionNumber: Int, versionString: String) throws {
        guard versionNumber >> 8 < minimumVersionNumber >> 8 else { return }
        throw KafkaError(
            code: RD_KAFKA_RESP_ERR__NOT_IMPLEMENTED.rawValue,
            message: "librdkafka \(versionString) is loaded, but \(minimumVersionString) or newer is required "
                + "(older versions cannot talk to current brokers). Put a newer librdkafka.so.1 first on the "
                + "loader path (LD_LIBRARY_PATH=<directory with librdkafka.so.1>, for example the project's "
                + ".local/lib) or install librdkafka \(minimumVersionString) or newer.",
            isFatal: true)
    }
}
