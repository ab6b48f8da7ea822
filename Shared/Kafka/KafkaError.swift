internal import CRdKafka

/// An error from librdkafka or from this module's use of it.
///
/// `code` is librdkafka's `rd_kafka_resp_err_t`: negative codes are local to the client
/// (`-185` timed out, `-195` transport), positive ones come from the broker. A fatal error
/// means the client instance can no longer work: close it and create a new one.
public struct KafkaError: Error, CustomStringConvertible, Sendable {
    public let code: Int32
    public let message: String
    public let isFatal: Bool

    public init(code: Int32, message: String, isFatal: Bool = false) {
        self.code = code
        self.message = message
        self.isFatal = isFatal
    }

    /// librdkafka's symbolic name of `code`, for example `_TIMED_OUT`.
    public var name: String {
        String(cString: rd_kafka_err2name(rd_kafka_resp_err_t(rawValue: code)))
    }

    /// True for "no answer in time": the operation may still complete later.
    public var isTimeout: Bool {
        code == RD_KAFKA_RESP_ERR__TIMED_OUT.rawValue || code == RD_KAFKA_RESP_ERR__MSG_TIMED_OUT.rawValue
    }

    public var description: String {
        "Kafka error \(name) (\(code))\(isFatal ? " [fatal]" : ""): \(message)"
    }
}

extension KafkaError {
    /// An error for `code` with librdkafka's text for it, prefixed by what was being done.
    init(_ code: rd_kafka_resp_err_t, _ doing: String, isFatal: Bool = false) {
        let text = String(cString: rd_kafka_err2str(code))
        self.init(code: code.rawValue, message: "\(doing): \(text)", isFatal: isFatal)
    }

    /// Takes over and destroys a `rd_kafka_error_t`.
    init(consuming error: OpaquePointer, _ doing: String) {
        defer { rd_kafka_error_destroy(error) }
        let text = rd_kafka_error_string(error).map { String(cString: $0) } ?? "unknown error"
        self.init(
            code: rd_kafka_error_code(error).rawValue, message: "\(doing): \(text)",
            isFatal: rd_kafka_error_is_fatal(error) != 0)
    }

    static func closed(_ client: String) -> KafkaError {
        KafkaError(
            code: RD_KAFKA_RESP_ERR__DESTROY.rawValue,
            message: "the Kafka \(client) is closed; create a new one to continue")
    }

    static func timedOut(_ doing: String, after seconds: Double) -> KafkaError {
        KafkaError(
            code: RD_KAFKA_RESP_ERR__TIMED_OUT.rawValue,
            message: "\(doing): no answer within \(seconds) s; check that the brokers are reachable, then retry")
    }

    static func isSuccess(_ code: rd_kafka_resp_err_t) -> Bool { code == RD_KAFKA_RESP_ERR_NO_ERROR }
}
