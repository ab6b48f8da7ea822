internal import CRdKafka

/// Builds an `rd_kafka_conf_t`; it belongs to the caller until `rd_kafka_new` succeeds.
enum NativeConfiguration {
    static func make(_ properties: [String: String]) throws -> OpaquePointer {
        let conf = rd_kafka_conf_new()!
        var buffer = ErrorBuffer()
        for (key, value) in properties.sorted(by: { $0.key < $1.key }) {
            guard rd_kafka_conf_set(conf, key, value, &buffer.bytes, buffer.bytes.count) == RD_KAFKA_CONF_OK else {
                rd_kafka_conf_destroy(conf)
                // The value is not repeated: it may be a password.
                throw KafkaError(
                    code: RD_KAFKA_RESP_ERR__INVALID_ARG.rawValue,
                    message: "librdkafka rejected the property \"\(key)\": \(buffer.text); "
                        + "fix it in KafkaConfiguration.properties")
            }
        }
        return conf
    }

    /// Throws what `make` would throw, keeping nothing: librdkafka's own verdict on every
    /// property (a value it does not know, a feature it was built without).
    static func check(_ properties: [String: String]) throws {
        rd_kafka_conf_destroy(try make(properties))
    }
}
