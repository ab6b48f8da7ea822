import Foundation
@testable import IASAuth
import IASServiceKit
import IASRuntime
import XCTest

/// IAS_ENVIRONMENT and the IAS_JWT_* keys: what production refuses, what development allows,
/// and that every problem is reported at start together with the others.
final class IdentitySettingsTests: XCTestCase {
    /// A public P-256 key (its private half was thrown away): enough for a file that loads.
    private static let publicJWKS = #"{"keys": [{"kty": "EC", "crv": "P-256", "kid": "ec-1", "x": "MtHJqPGDzHFUw5LQPIk3b5ObFj_Z1Z0B37h4AvfBLYM", "y": "2D1pJbFBgl3XgCc7aeYBPVue0v7kuYnnmWbQsKAbpTI"}]}"#
    private var jwksPath = ""

    override func setUpWithError() throws {
        jwksPath = NSTemporaryDirectory() + "ias-identity-settings-\(UUID().uuidString.prefix(8)).json"
        try Data(Self.publicJWKS.utf8).write(to: URL(fileURLWithPath: jwksPath))
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: jwksPath)
    }

    private var production: [String: String] {
        ["IAS_ENVIRONMENT": "production", "IAS_JWT_JWKS_FILE": jwksPath,
         "IAS_JWT_ISSUER": "https://idp.example.ch/realms/ias", "IAS_JWT_AUDIENCE": "ias-platform"]
    }

    /// The problems of starting with `environment`, or nil when it would start.
    private func problems(_ environment: [String: String]) -> [String]? {
        let reader = ConfigurationReader(environment: environment)
        _ = IdentitySettings.read(from: reader)
        return reader.problems.isEmpty ? nil : reader.problems
    }

    private func verifier(_ environment: [String: String]) throws -> JWTVerifier {
        let reader = ConfigurationReader(environment: environment)
        let settings = IdentitySettings.read(from: reader)
        try reader.validate()
        return try settings.verifier(logger: Logger(label: "test", minimumLevel: .error))
    }

    func testProductionWithTheIdentityProviderStarts() throws {
        XCTAssertNil(problems(production))
        let verifier = try verifier(production.merging(["IAS_JWT_ROLES_CLAIM": "realm_access.roles", "IAS_JWT_ROLE_PREFIX": "ias-",
                                                          "IAS_JWT_ORG_CLAIM": "ias_org", "IAS_JWT_MAX_LIFETIME_SECONDS": "3600"]) { $1 })
        XCTAssertNil(verifier.secrets, "production accepts no HS256")
        XCTAssertNotNil(verifier.publicKeys)
        XCTAssertEqual(verifier.policy.issuer, "https://idp.example.ch/realms/ias")
        XCTAssertEqual(verifier.policy.audience, "ias-platform")
        XCTAssertEqual(verifier.policy.maximumLifetime, 3600)
        XCTAssertEqual(verifier.policy.rolesClaim.text, "realm_access.roles")
        XCTAssertEqual(verifier.policy.organisationClaim.text, "ias_org")
        XCTAssertEqual(verifier.policy.rolePrefix, "ias-")
    }

    /// The development secret (or any other) is refused in production, naming the variable.
    func testProductionRefusesAnHS256Secret() throws {
        for secret in ["local-development-secret-change-me-0123456789", "another-secret-of-at-least-32-bytes-0000"] {
            let found = try XCTUnwrap(problems(production.merging(["IAS_JWT_SECRET": secret]) { $1 }))
            XCTAssertEqual(found.count, 1, "\(found)")
            XCTAssertTrue(found[0].hasPrefix("IAS_JWT_SECRET is set"), found[0])
            XCTAssertTrue(found[0].contains("IAS_ENVIRONMENT=production"), found[0])
            XCTAssertFalse(found[0].contains(secret), "the secret itself is never repeated")
        }
        let named = try XCTUnwrap(problems(production.merging(["IAS_JWT_SECRET": "local-development-secret-change-me-0123456789"]) { $1 }))
        XCTAssertTrue(named[0].contains("public development secret"), named[0])
    }

    /// Everything production lacks is named at once, together with the service's other problems.
    func testProductionNamesEverythingMissingTogether() throws {
        let found = try XCTUnwrap(problems(["IAS_ENVIRONMENT": "production", "IAS_JWT_SECRET": "local-development-secret-change-me-0123456789"]))
        for key in ["IAS_JWT_SECRET", "IAS_JWT_JWKS_FILE", "IAS_JWT_ISSUER", "IAS_JWT_AUDIENCE"] {
            XCTAssertTrue(found.contains { $0.hasPrefix(key) }, "\(key) not named: \(found)")
        }
        XCTAssertThrowsError(try ServiceConfiguration.load(
            service: "plan", defaultPort: 8083,
            environment: ["IAS_ENVIRONMENT": "production", "IAS_HTTP_PORT": "eighty"]) { reader in
                _ = IdentitySettings.read(from: reader)
            }) { error in
            let problems = (error as? ConfigurationError)?.problems ?? []
            XCTAssertEqual(problems.count, 4, "\(problems)")
            XCTAssertTrue(problems.contains { $0.hasPrefix("IAS_HTTP_PORT") })
        }
    }

    func testDevelopmentNeedsASecretOrAJWKSFileOrBoth() throws {
        let found = try XCTUnwrap(problems([:]))
        XCTAssertEqual(found.count, 1)
        XCTAssertTrue(found[0].contains("IAS_JWT_SECRET") && found[0].contains("IAS_JWT_JWKS_FILE"), found[0])
        let secret = "a-secret-of-the-local-stack-0123456789"
        XCTAssertNotNil(try verifier(["IAS_JWT_SECRET": secret]).secrets)
        XCTAssertNil(try verifier(["IAS_JWT_SECRET": secret]).publicKeys)
        let both = try verifier(["IAS_JWT_SECRET": secret, "IAS_JWT_JWKS_FILE": jwksPath])
        XCTAssertNotNil(both.secrets)
        XCTAssertNotNil(both.publicKeys)
        XCTAssertNil(both.policy.issuer, "not checked unless configured")
        XCTAssertEqual(both.policy.maximumLifetime, 43_200)
        XCTAssertNil(try verifier(["IAS_JWT_JWKS_FILE": jwksPath]).secrets)
    }

    func testUnusableValuesAreNamed() throws {
        let cases: [([String: String], String)] = [
            (["IAS_ENVIRONMENT": "staging"], "IAS_ENVIRONMENT=staging"),
            (["IAS_JWT_SECRET": "short"], "IAS_JWT_SECRET is not usable"),
            (["IAS_JWT_JWKS_FILE": "/nonexistent/jwks.json"], "IAS_JWT_JWKS_FILE=/nonexistent/jwks.json is not usable: cannot open"),
            (["IAS_JWT_MAX_LIFETIME_SECONDS": "0"], "IAS_JWT_MAX_LIFETIME_SECONDS"),
            (["IAS_JWT_MAX_LIFETIME_SECONDS": "34560000"], "IAS_JWT_MAX_LIFETIME_SECONDS"),
            (["IAS_JWT_ROLES_CLAIM": "realm_access..roles"], "IAS_JWT_ROLES_CLAIM"),
            (["IAS_JWT_ORG_CLAIM": "my org"], "IAS_JWT_ORG_CLAIM"),
            (["IAS_JWT_ISSUER": "https://idp.example.ch/ realms"], "IAS_JWT_ISSUER"),
        ]
        for (environment, expected) in cases {
            let found = problems(environment.merging(["IAS_JWT_JWKS_FILE": environment["IAS_JWT_JWKS_FILE"] ?? jwksPath]) { $1 }) ?? []
            XCTAssertTrue(found.contains { $0.contains(expected) }, "\(environment): \(found)")
        }
        try Data("{\"keys\": [".utf8).write(to: URL(fileURLWithPath: jwksPath))
        let broken = try XCTUnwrap(problems(production))
        XCTAssertTrue(broken[0].hasPrefix("IAS_JWT_JWKS_FILE=\(jwksPath) is not usable: the JWKS document is not JSON"), broken[0])
    }
}
