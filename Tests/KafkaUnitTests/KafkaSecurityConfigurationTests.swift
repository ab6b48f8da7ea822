import IASKafka
import IASRuntime
import XCTest

/// The security keys from the environment to librdkafka properties, and every combination
/// that must be refused at start with a message naming its key.
final class KafkaSecurityConfigurationTests: XCTestCase {
    private let password = "s3cr3t-Passw0rd-never-printed"
    private var files: SecretFiles!

    override func setUpWithError() throws { files = try SecretFiles() }
    override func tearDown() { files = nil }

    private func load(_ environment: [String: String]) -> (KafkaSecurity, [String]) {
        let reader = ConfigurationReader(environment: environment)
        let security = KafkaSecurity.load(from: reader)
        return (security, reader.problems)
    }

    private func saslSSL(_ extra: [String: String] = [:]) throws -> [String: String] {
        [
            "IAS_KAFKA_SECURITY_PROTOCOL": "sasl_ssl", "IAS_KAFKA_SASL_MECHANISM": "SCRAM-SHA-512",
            "IAS_KAFKA_SASL_USERNAME": "ias-plan", "IAS_KAFKA_SASL_PASSWORD_FILE": try files.write("password", password + "\n"),
            "IAS_KAFKA_SSL_CA_FILE": try files.write("ca.pem", SecretFiles.caCertificate),
        ].merging(extra) { $1 }
    }

    func testWithoutKeysTheClientsConnectInPlaintextAndSetNothingElse() {
        let (security, problems) = load([:])
        XCTAssertEqual(problems, [])
        XCTAssertEqual(security, .plaintext)
        XCTAssertEqual(security.librdkafkaProperties, ["security.protocol": "plaintext"])
    }

    func testSASLOverTLSSetsEveryPropertyWithThePasswordWithoutItsLineBreak() throws {
        let (security, problems) = load(try saslSSL())
        XCTAssertEqual(problems, [])
        XCTAssertEqual(security.librdkafkaProperties, [
            "security.protocol": "sasl_ssl", "sasl.mechanism": "SCRAM-SHA-512", "sasl.username": "ias-plan",
            "sasl.password": password, "ssl.ca.location": files.path("ca.pem"),
        ])
        XCTAssertEqual(security.requiredLibraryFeatures, ["ssl", "sasl_scram"])
    }

    func testEachProtocolSetsOnlyWhatAppliesToIt() throws {
        let (tls, tlsProblems) = load(["IAS_KAFKA_SECURITY_PROTOCOL": "ssl", "IAS_KAFKA_SSL_CA_FILE": try files.write("ca.pem", SecretFiles.caCertificate)])
        XCTAssertEqual(tlsProblems, [])
        XCTAssertEqual(tls.librdkafkaProperties, ["security.protocol": "ssl", "ssl.ca.location": files.path("ca.pem")])
        XCTAssertEqual(tls.requiredLibraryFeatures, ["ssl"])

        let (systemCAs, _) = load(["IAS_KAFKA_SECURITY_PROTOCOL": "ssl"])
        XCTAssertEqual(systemCAs.librdkafkaProperties, ["security.protocol": "ssl"], "no CA file: librdkafka's default trust store")

        let (scram, scramProblems) = load([
            "IAS_KAFKA_SECURITY_PROTOCOL": "sasl_plaintext", "IAS_KAFKA_SASL_MECHANISM": "SCRAM-SHA-256",
            "IAS_KAFKA_SASL_USERNAME": "ias-costs", "IAS_KAFKA_SASL_PASSWORD_FILE": try files.write("p", password + "\r\n"),
        ])
        XCTAssertEqual(scramProblems, [])
        XCTAssertEqual(scram.librdkafkaProperties, [
            "security.protocol": "sasl_plaintext", "sasl.mechanism": "SCRAM-SHA-256", "sasl.username": "ias-costs", "sasl.password": password,
        ])
    }

    func testProtocolAndMechanismAreReadInTheSpellingKafkaUsersWrite() throws {
        let (security, problems) = load(try saslSSL(["IAS_KAFKA_SECURITY_PROTOCOL": "SASL_SSL", "IAS_KAFKA_SASL_MECHANISM": "scram-sha-512"]))
        XCTAssertEqual(problems, [])
        XCTAssertEqual(security.securityProtocol, .saslSSL)
        XCTAssertEqual(security.saslMechanism, .scramSHA512)
    }

    func testEveryWrongCombinationIsNamedByItsKey() throws {
        let cases: [(String, [String: String], String)] = [
            ("unknown protocol", ["IAS_KAFKA_SECURITY_PROTOCOL": "tls"], "IAS_KAFKA_SECURITY_PROTOCOL=tls must be one of plaintext, ssl, sasl_plaintext, sasl_ssl"),
            ("SASL without user", try saslSSL(["IAS_KAFKA_SASL_USERNAME": ""]), "IAS_KAFKA_SASL_USERNAME is not set"),
            ("SASL without password file", try saslSSL(["IAS_KAFKA_SASL_PASSWORD_FILE": ""]), "IAS_KAFKA_SASL_PASSWORD_FILE is not set"),
            ("SASL without mechanism", try saslSSL(["IAS_KAFKA_SASL_MECHANISM": ""]), "IAS_KAFKA_SASL_MECHANISM is not set"),
            ("unknown mechanism", try saslSSL(["IAS_KAFKA_SASL_MECHANISM": "GSSAPI"]), "IAS_KAFKA_SASL_MECHANISM=GSSAPI must be one of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512"),
            ("password file missing", try saslSSL(["IAS_KAFKA_SASL_PASSWORD_FILE": files.path("nowhere")]), "IAS_KAFKA_SASL_PASSWORD_FILE=\(files.path("nowhere")) does not exist"),
            ("password file empty", try saslSSL(["IAS_KAFKA_SASL_PASSWORD_FILE": try files.write("empty", "\n")]), "is empty"),
            ("password file of two lines", try saslSSL(["IAS_KAFKA_SASL_PASSWORD_FILE": try files.write("two", password + "\nsecond\n")]), "more than one line"),
            ("CA file missing", try saslSSL(["IAS_KAFKA_SSL_CA_FILE": files.path("no-ca.pem")]), "IAS_KAFKA_SSL_CA_FILE=\(files.path("no-ca.pem")) does not exist"),
            ("CA file without certificate", try saslSSL(["IAS_KAFKA_SSL_CA_FILE": try files.write("junk.pem", "junk")]), "holds no PEM certificate"),
            ("CA file without TLS", ["IAS_KAFKA_SSL_CA_FILE": try files.write("ca.pem", SecretFiles.caCertificate)], "IAS_KAFKA_SSL_CA_FILE is set, but IAS_KAFKA_SECURITY_PROTOCOL=plaintext does not use TLS"),
            ("mechanism without SASL", ["IAS_KAFKA_SECURITY_PROTOCOL": "ssl", "IAS_KAFKA_SASL_MECHANISM": "SCRAM-SHA-512"], "IAS_KAFKA_SASL_MECHANISM is set, but IAS_KAFKA_SECURITY_PROTOCOL=ssl does not authenticate"),
            ("user without SASL", ["IAS_KAFKA_SASL_USERNAME": "ias-plan"], "IAS_KAFKA_SASL_USERNAME is set, but IAS_KAFKA_SECURITY_PROTOCOL=plaintext does not authenticate"),
            ("password file without SASL", ["IAS_KAFKA_SASL_PASSWORD_FILE": try files.write("p", password)], "IAS_KAFKA_SASL_PASSWORD_FILE is set, but"),
            ("PLAIN without TLS", try saslSSL(["IAS_KAFKA_SECURITY_PROTOCOL": "sasl_plaintext", "IAS_KAFKA_SASL_MECHANISM": "PLAIN", "IAS_KAFKA_SSL_CA_FILE": ""]),
             "IAS_KAFKA_SASL_MECHANISM=PLAIN sends the password unencrypted"),
        ]
        for (name, environment, expected) in cases {
            let (_, problems) = load(environment)
            XCTAssertEqual(problems.count, 1, "\(name): \(problems)")
            XCTAssertTrue(problems.first?.contains(expected) ?? false, "\(name): \(problems)")
            XCTAssertFalse(problems.joined().contains(password), "\(name): a message shows the password")
        }
    }

    func testAllProblemsAreReportedTogether() {
        let (_, problems) = load(["IAS_KAFKA_SECURITY_PROTOCOL": "sasl_ssl", "IAS_KAFKA_SSL_CA_FILE": "/nonexistent/ca.pem"])
        XCTAssertEqual(problems.count, 4, "mechanism, user, password file, CA file: \(problems)")
    }

    func testThePasswordNeverShowsWhenTheSettingsArePrinted() throws {
        let (security, _) = load(try saslSSL())
        var configuration = KafkaConfiguration(brokers: "kafka:9093", clientId: "ias-plan-1")
        configuration.security = security
        var dumped = ""
        dump(configuration, to: &dumped)
        let printed = [String(describing: security), String(reflecting: security), "\(security)", dumped,
                       String(describing: configuration), String(reflecting: configuration), String(describing: security.saslPassword)]
        for text in printed {
            XCTAssertFalse(text.contains(password), text)
        }
        XCTAssertEqual(String(describing: security), "sasl_ssl, SCRAM-SHA-512, user ias-plan, password set, CA \(files.path("ca.pem"))")
    }

    func testTheKeysAreListedForTheDeploymentChecks() {
        let reader = ConfigurationReader(environment: [:])
        _ = KafkaSecurity.load(from: reader)
        XCTAssertEqual(reader.keys.map(\.key), [
            "IAS_KAFKA_SECURITY_PROTOCOL", "IAS_KAFKA_SASL_MECHANISM", "IAS_KAFKA_SASL_USERNAME",
            "IAS_KAFKA_SASL_PASSWORD_FILE", "IAS_KAFKA_SSL_CA_FILE",
        ])
    }
}
