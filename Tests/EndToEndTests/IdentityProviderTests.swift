import Foundation
import IASHTTPClient
import TestSupport
import XCTest

/// A service configured as production runs it: tokens of the canton's identity provider only
/// (RS256 and ES256, keys from a JWKS file, issuer, audience, a lifetime bound, Keycloak's
/// claim names), no HS256 secret. The provider is PyJWT (Tests/TestIdentityProvider); the
/// services are the real intake and coordination processes, answering real reads and writes.
final class IdentityProviderTests: XCTestCase {
    private typealias IdP = TestIdentityProvider
    static let issuer = "https://idp.example.ch/realms/ias"
    static let audience = "ias-platform"
    static let keyKinds = ["rsa-a": "RSA", "rsa-b": "RSA", "ec-a": "EC", "ec-b": "EC"]
    static var published: [[String: Any]] {
        [IdP.jwk("rsa-a", ["kid": "rsa-1", "use": "sig", "alg": "RS256"]), IdP.jwk("ec-a", ["kid": "ec-1", "use": "sig"]),
         // What Keycloak publishes beside its signing keys: an encryption key, passed over.
         IdP.jwk("rsa-b", ["kid": "enc-1", "use": "enc", "alg": "RSA-OAEP"])]
    }

    nonisolated(unsafe) static var provider: TestIdentityProvider?
    nonisolated(unsafe) static var setUpFailure: Error?
    nonisolated(unsafe) static var stack: TestStack!
    static var jwksPath: String { provider!.path("jwks.json") }

    override class func setUp() {
        super.setUp()
        do {
            let provider = try TestIdentityProvider(name: "e2e-idp")
            Self.provider = provider
            _ = try provider.run(keys: keyKinds, jwks: [["path": provider.path("jwks.json"), "keys": published]])
        } catch {
            // Reported by every test of the class instead of stopping the whole run.
            setUpFailure = error
            return
        }
        let identity = [
            "IAS_ENVIRONMENT": "production",
            "IAS_JWT_SECRET": "",   // empty is unset: production accepts no HS256
            "IAS_JWT_JWKS_FILE": jwksPath,
            "IAS_JWT_ISSUER": issuer,
            "IAS_JWT_AUDIENCE": audience,
            "IAS_JWT_MAX_LIFETIME_SECONDS": "3600",
            "IAS_JWT_ORG_CLAIM": "ias_org",
            "IAS_JWT_ROLES_CLAIM": "realm_access.roles",
            "IAS_JWT_ROLE_PREFIX": "ias-",
        ]
        // Coordination for the audit trail, which only auditors read: the roles at work.
        stack = TestStack.running(["intake", "coordination"], extraEnvironment: ["intake": identity, "coordination": identity],
                                  warmUp: false)
    }

    override class func tearDown() {
        stack?.stop()
        provider = nil
        super.tearDown()
    }

    override func setUpWithError() throws {
        if let failure = Self.setUpFailure { throw failure }
    }

    /// Claims as Keycloak writes them for a user of the canton's intake office.
    static func claims(_ changes: [String: Any?] = [:]) -> [String: Any] {
        let now = Int(Date().timeIntervalSince1970)
        var claims: [String: Any] = [
            "sub": "8c1f2e9a-5b7d-4c3e-9f10-2a4b6c8d0e1f", "iat": now, "exp": now + 300, "iss": issuer,
            "aud": [audience, "account"], "azp": audience, "typ": "Bearer", "preferred_username": "anna.meier",
            "ias_org": "canton:KSD",
            "realm_access": ["roles": ["offline_access", "uma_authorization", "ias-caseworker"]],
        ]
        for (name, value) in changes { claims[name] = value }
        return claims
    }

    private func tokens(_ entries: [[String: Any]]) throws -> [String] {
        try XCTUnwrap(Self.provider).run(keys: Self.keyKinds, tokens: entries).tokens
    }

    private func register(_ token: String) throws -> HTTPClientResponse {
        try Self.stack.client("intake").json("POST", "/persons", token: token, body: NewPerson.sample(givenName: "Idp"))
    }

    func testTokensOfTheIdentityProviderReadAndWrite() throws {
        let signed = try tokens([
            IdP.signed("rsa-a", "RS256", header: ["kid": "rsa-1"], claims: Self.claims()),
            IdP.signed("ec-a", "ES256", header: ["kid": "ec-1"], claims: Self.claims()),
        ])
        let created = try register(signed[0])
        XCTAssertEqual(created.status, 201, created.text)
        let personId = try XCTUnwrap(try created.object()["personId"] as? String)
        for token in signed {
            let read = try Self.stack.client("intake").json("GET", "/persons/\(personId)", token: token)
            XCTAssertEqual(read.status, 200, read.text)
            XCTAssertEqual(try read.object()["personId"] as? String, personId)
        }
        let byES256 = try register(signed[1])
        XCTAssertEqual(byES256.status, 201, byES256.text)
    }

    /// Roles come from realm_access.roles and count only with the configured prefix: the
    /// audit trail opens to ias-auditor, not to a realm's own or unprefixed "auditor". It
    /// names the provider's subject for the read of the RS256 token.
    func testRolesComeFromRealmAccessWithThePrefix() throws {
        let subject = "auditor-\(UUID().uuidString.prefix(8))"
        let signed = try tokens([
            IdP.signed("ec-a", "ES256", header: ["kid": "ec-1"], claims: Self.claims([
                "sub": subject, "realm_access": ["roles": ["offline_access", "ias-auditor"]]])),
            IdP.signed("rsa-a", "RS256", header: ["kid": "rsa-1"], claims: Self.claims([
                "realm_access": ["roles": ["auditor", "admin", "offline_access"]], "roles": ["auditor"]])),
        ])
        let (auditor, unprefixed) = (signed[0], signed[1])
        let coordination = try Self.stack.client("coordination")
        XCTAssertEqual(try coordination.json("GET", "/audit?limit=1", token: unprefixed).status, 403)

        let read = try Self.stack.client("intake").json("GET", "/persons?limit=1", token: auditor)
        XCTAssertEqual(read.status, 200, read.text)
        // The audit trail's own reads are audited too: the record wanted is intake's.
        let recorded = try eventually(within: 30) { () -> [String: Any]? in
            let r = try Self.stack.client("coordination").json("GET", "/audit?sub=\(subject)", token: auditor)
            guard r.status == 200, let items = try r.object()["items"] as? [[String: Any]] else { return nil }
            return items.first { $0["service"] as? String == "intake" }
        }
        let record = try XCTUnwrap(recorded, "intake's read did not reach the audit trail")
        XCTAssertEqual(record["org"] as? String, "canton:KSD", "\(record)")
        XCTAssertEqual(record["roles"] as? [String], ["auditor"], "\(record)")
        XCTAssertEqual(record["route"] as? String, "/persons", "\(record)")
    }

    func testEveryBadTokenIs401() throws {
        let now = Int(Date().timeIntervalSince1970)
        let claims = Self.claims()
        let hostile: [(String, [String: Any])] = [
            ("another key under the published kid", IdP.signed("rsa-b", "RS256", header: ["kid": "rsa-1"], claims: claims)),
            ("another EC key under the published kid", IdP.signed("ec-b", "ES256", header: ["kid": "ec-1"], claims: claims)),
            ("unknown kid", IdP.signed("rsa-b", "RS256", header: ["kid": "rsa-2"], claims: claims)),
            ("the encryption key's kid", IdP.signed("rsa-b", "RS256", header: ["kid": "enc-1"], claims: claims)),
            ("no kid, several keys", IdP.signed("rsa-a", "RS256", claims: claims)),
            ("HS256 with the RSA public key as PEM", IdP.hmacWithPublicKey(
                of: "rsa-a", pem: true, header: ["alg": "HS256", "typ": "JWT", "kid": "rsa-1"], claims: claims)),
            ("HS256 with the RSA public key as JWK", IdP.hmacWithPublicKey(
                of: "rsa-a", pem: false, header: ["alg": "HS256", "typ": "JWT", "kid": "rsa-1"], claims: claims)),
            ("HS256 with the development secret", IdP.hmac(
                secret: "local-development-secret-change-me-0123456789", header: ["alg": "HS256", "typ": "JWT"], claims: claims)),
            ("alg none", IdP.unsigned(header: ["alg": "none", "typ": "JWT", "kid": "rsa-1"], claims: claims)),
            ("ES256 header on the RSA key", IdP.raw("ec-a", header: ["alg": "ES256", "typ": "JWT", "kid": "rsa-1"], claims: claims)),
            ("ES256 signature as DER", IdP.raw("ec-a", header: ["alg": "ES256", "typ": "JWT", "kid": "ec-1"], claims: claims, der: true)),
            ("expired", IdP.signed("rsa-a", "RS256", header: ["kid": "rsa-1"], claims: Self.claims(["iat": now - 900, "exp": now - 120]))),
            ("valid for 400 days", IdP.signed("ec-a", "ES256", header: ["kid": "ec-1"], claims: Self.claims(["exp": now + 400 * 86_400]))),
            ("longer than the configured hour", IdP.signed("rsa-a", "RS256", header: ["kid": "rsa-1"], claims: Self.claims(["exp": now + 3700]))),
            ("no iat", IdP.signed("rsa-a", "RS256", header: ["kid": "rsa-1"], claims: Self.claims(["iat": nil]))),
            ("wrong audience", IdP.signed("rsa-a", "RS256", header: ["kid": "rsa-1"], claims: Self.claims(["aud": "account"]))),
            ("wrong issuer", IdP.signed("ec-a", "ES256", header: ["kid": "ec-1"], claims: Self.claims(["iss": "https://idp.example.ch/realms/other"]))),
            ("organisation under the default claim name", IdP.signed("rsa-a", "RS256", header: ["kid": "rsa-1"], claims: Self.claims(["ias_org": nil, "org": "canton:KSD"]))),
        ]
        let signed = try tokens(hostile.map(\.1))
        // The test suite's own HS256 token: production has no secret to check it with.
        let cases = zip(hostile.map(\.0), signed).map { ($0, $1) } + [("the tests' HS256 token", TestEnvironment.token(org: "canton:KSD"))]
        let familyName = "Refused-\(UUID().uuidString.prefix(8))"
        for (name, token) in cases {
            let r = try Self.stack.client("intake").json("POST", "/persons", token: token, body: NewPerson.sample(familyName: familyName))
            XCTAssertEqual(r.status, 401, "\(name): \(r.text)")
            XCTAssertEqual(r.headers["www-authenticate"]?.hasPrefix("Bearer"), true, name)
            for word in ["kid", "rsa-1", Self.audience, Self.issuer] {
                XCTAssertFalse(r.text.contains(word), "\(name): the answer must not mention \(word): \(r.text)")
            }
        }
        let reader = try tokens([IdP.signed("rsa-a", "RS256", header: ["kid": "rsa-1"], claims: Self.claims())])[0]
        let search = try Self.stack.client("intake").json("GET", "/persons?familyName=\(familyName)", token: reader)
        XCTAssertEqual(search.status, 200, search.text)
        XCTAssertEqual((try search.object()["items"] as? [Any])?.count, 0, "a refused request changed something")
    }

    /// The provider rotates its keys: the file is replaced on disk, the running service uses
    /// the new key and refuses the removed one, without a restart; a broken rewrite changes
    /// nothing.
    func testReplacedJWKSFileIsUsedWithoutRestart() throws {
        let provider = try XCTUnwrap(Self.provider)
        let service = Self.stack["intake"]
        let pid = service.pid
        defer {
            // The other tests expect the published keys.
            _ = try? provider.run(keys: Self.keyKinds, jwks: [["path": Self.jwksPath, "keys": Self.published]])
            Thread.sleep(forTimeInterval: 1.5)
        }
        let signed = try tokens([
            IdP.signed("rsa-a", "RS256", header: ["kid": "rsa-1"], claims: Self.claims()),
            IdP.signed("ec-b", "ES256", header: ["kid": "ec-2027"], claims: Self.claims()),
        ])
        let (old, new) = (signed[0], signed[1])
        func status(_ token: String) throws -> Int {
            try Self.stack.client("intake").json("GET", "/persons?limit=1", token: token).status
        }
        XCTAssertEqual(try status(old), 200)
        XCTAssertEqual(try status(new), 401)

        _ = try provider.run(keys: Self.keyKinds, jwks: [["path": Self.jwksPath, "keys": Self.published + [IdP.jwk("ec-b", ["kid": "ec-2027"])]]])
        XCTAssertNotNil(try eventually(within: 5) { try status(new) == 200 ? true : nil }, "the added key was not taken up")
        XCTAssertEqual(try status(old), 200, "the old key is still published")

        _ = try provider.run(keys: Self.keyKinds, jwks: [["path": Self.jwksPath, "keys": [IdP.jwk("ec-b", ["kid": "ec-2027"])]]])
        XCTAssertNotNil(try eventually(within: 5) { try status(old) == 401 ? true : nil }, "the removed key is still accepted")
        XCTAssertEqual(try status(new), 200)

        // Half-written: the last good keys stay.
        let complete = try String(contentsOfFile: Self.jwksPath, encoding: .utf8)
        try Data(complete.prefix(complete.count / 3).utf8).write(to: URL(fileURLWithPath: Self.jwksPath))
        Thread.sleep(forTimeInterval: 1.5)
        XCTAssertEqual(try status(new), 200, "a broken rewrite must keep the last good keys")
        XCTAssertEqual(service.pid, pid)
        XCTAssertTrue(service.isRunning)
        let log = try String(contentsOf: service.logURL, encoding: .utf8)
        XCTAssertTrue(log.contains("JWKS file cannot be used; keeping the previous keys"), String(log.suffix(1500)))
    }
}

/// Production never starts with an HS256 secret, and names everything that is missing.
final class ProductionStartTests: XCTestCase {
    private func start(_ changes: [String: String]) throws -> (status: Int32?, log: String) {
        let port = TestEnvironment.freePort()
        var environment = try TestEnvironment.serviceEnvironment("intake", port: port, instance: "intake-production-\(UUID().uuidString.prefix(6))")
        environment.merge(changes) { $1 }
        let service = ServiceProcess(name: "intake", port: port, environment: environment)
        try service.start()
        let deadline = Date().addingTimeInterval(10)
        while service.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        defer { service.stop() }
        return (service.exitStatus, try String(contentsOf: service.logURL, encoding: .utf8))
    }

    func testProductionWithTheDevelopmentSecretRefusesToStart() throws {
        let provider = try TestIdentityProvider(name: "e2e-production")
        let jwks = provider.path("jwks.json")
        _ = try provider.run(keys: ["ec": "EC"], jwks: [["path": jwks, "keys": [TestIdentityProvider.jwk("ec", ["kid": "ec-1"])]]])
        let (status, log) = try start([
            "IAS_ENVIRONMENT": "production", "IAS_JWT_SECRET": "local-development-secret-change-me-0123456789",
            "IAS_JWT_JWKS_FILE": jwks, "IAS_JWT_ISSUER": "https://idp.example.ch/realms/ias", "IAS_JWT_AUDIENCE": "ias-platform",
        ])
        XCTAssertEqual(status, 1, "the service must exit with an error: \(log.suffix(800))")
        XCTAssertTrue(log.contains("IAS_JWT_SECRET is set"), String(log.suffix(800)))
        XCTAssertTrue(log.contains("IAS_ENVIRONMENT=production accepts no HS256 tokens"), String(log.suffix(800)))
        XCTAssertFalse(log.contains("local-development-secret-change-me-0123456789"), "the secret itself must not be logged")
        XCTAssertFalse(log.contains("\"msg\":\"started\""))
    }

    func testProductionNamesEveryMissingSettingAtOnce() throws {
        let (status, log) = try start(["IAS_ENVIRONMENT": "production"])
        XCTAssertEqual(status, 1)
        for key in ["IAS_JWT_SECRET is set", "IAS_JWT_JWKS_FILE is not set", "IAS_JWT_ISSUER is not set", "IAS_JWT_AUDIENCE is not set"] {
            XCTAssertTrue(log.contains(key), "the start-up error should say \(key): \(log.suffix(1200))")
        }
    }
}
