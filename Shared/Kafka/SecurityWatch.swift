import Foundation
import IASRuntime
internal import CRdKafka

/// A client's view of its own security settings, for its callbacks and errors:
///
/// * the password, to blank it out of any text librdkafka hands over (it never puts it in a
///   message, but a log line is no place to rely on that);
/// * the brokers' last refusal of its credentials or TLS handshake. librdkafka retries such a
///   connection for ever and the caller only sees a timeout; while the refusal is recent
///   (`freshness`), that timeout is reported as the refusal, which says what to fix.
final class SecurityWatch: Sendable {
    /// A refusal older than this no longer explains a timeout: the credentials may have been
    /// created or corrected since (librdkafka reports a refused connection about once a second
    /// while it lasts).
    static let freshness: TimeInterval = 30

    /// How the client connects, for messages: `sasl_ssl, SCRAM-SHA-512 as user ias-plan`.
    let summary: String
    private let secret: String?
    private let refusal = Locked<(error: KafkaError, at: Double)?>(nil)

    init(properties: [String: String]) {
        let password = properties["sasl.password"]
        secret = (password?.isEmpty ?? true) ? nil : password
        var summary = properties["security.protocol"] ?? "plaintext"
        if let mechanism = properties["sasl.mechanism"] ?? properties["sasl.mechanisms"] { summary += ", " + mechanism }
        if let user = properties["sasl.username"] { summary += " as user " + user }
        self.summary = summary
    }

    /// `text` with the password (if any) replaced by `(hidden)`.
    func redact(_ text: String) -> String {
        guard let secret, text.contains(secret) else { return text }
        return text.replacingOccurrences(of: secret, with: "(hidden)")
    }

    /// librdkafka's codes for a connection the brokers refused at authentication or TLS.
    static func isRefusal(_ code: rd_kafka_resp_err_t) -> Bool {
        code == RD_KAFKA_RESP_ERR__AUTHENTICATION || code == RD_KAFKA_RESP_ERR__SSL
            || code == RD_KAFKA_RESP_ERR_SASL_AUTHENTICATION_FAILED
    }

    /// Keeps the refusal (from the error callback) and returns the error that reports it.
    @discardableResult
    func recordRefusal(_ code: rd_kafka_resp_err_t, reason: String) -> KafkaError {
        let error = KafkaError(
            code: code.rawValue,
            message: "the brokers refused the connection of this client (\(summary)): \(redact(reason)). Check the "
                + "security protocol, SASL mechanism, user name and password (and CA certificate) against the brokers' "
                + "listener and the user created there; librdkafka keeps retrying meanwhile")
        refusal.withLock { $0 = (error, MonotonicClock.now()) }
        return error
    }

    /// `error`, or the recent refusal when `error` is only how a refused connection looks from
    /// outside: a timeout, a transport failure, every broker down.
    func explain(_ error: KafkaError) -> KafkaError {
        let outward: Set<Int32> = [RD_KAFKA_RESP_ERR__TIMED_OUT.rawValue, RD_KAFKA_RESP_ERR__MSG_TIMED_OUT.rawValue,
                                   RD_KAFKA_RESP_ERR__TRANSPORT.rawValue, RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN.rawValue]
        guard outward.contains(error.code), let recent = recentRefusal else { return error }
        return recent
    }

    /// The refusal recorded within `freshness`, if any.
    var recentRefusal: KafkaError? {
        guard let (error, at) = refusal.current, MonotonicClock.now() - at < Self.freshness else { return nil }
        return error
    }
}
