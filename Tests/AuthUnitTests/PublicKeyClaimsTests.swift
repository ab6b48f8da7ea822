import IASAuth
import TestSupport
import XCTest

/// The claim rules of an identity provider's tokens: issuer, audience, times and lifetime, and
/// the claim names of Keycloak and other providers.
final class PublicKeyClaimsTests: XCTestCase {
    private typealias IdP = TestIdentityProvider
    private typealias Fixture = IdentityProviderFixture
    private var fixture: Fixture!

    override func setUpWithError() throws {
        fixture = try Fixture.shared()
    }

    private func rs256(_ claims: [String: Any]) -> [String: Any] {
        IdP.signed("rsa-a", "RS256", header: ["kid": "rsa-1"], claims: claims)
    }

    private func es256(_ claims: [String: Any]) -> [String: Any] {
        IdP.signed("ec-a", "ES256", header: ["kid": "ec-1"], claims: claims)
    }

    func testExpiredTokenIsRefused() throws {
        let verifier = try fixture.verifier()
        let tokens = try fixture.tokens([
            rs256(Fixture.claims(["iat": Int(Fixture.now) - 900, "exp": Int(Fixture.now) - 61])),
            es256(Fixture.claims(["iat": Int(Fixture.now) - 900, "exp": Int(Fixture.now) - 61])),
        ])
        for token in tokens { assertRejected(token, by: verifier, as: .expired) }
    }

    /// Valid for 400 days: refused although not expired.
    func testTooLongLivedTokenIsRefused() throws {
        let verifier = try fixture.verifier()
        let tokens = try fixture.tokens([
            rs256(Fixture.claims(["exp": Int(Fixture.now) + 400 * 86_400])),
            es256(Fixture.claims(["exp": Int(Fixture.now) + 400 * 86_400])),
            rs256(Fixture.claims(["exp": Int(Fixture.now) + 43_200])),
        ])
        assertRejected(tokens[0], by: verifier, as: .lifetimeTooLong)
        assertRejected(tokens[1], by: verifier, as: .lifetimeTooLong)
        _ = try assertAccepted(tokens[2], by: verifier)
    }

    func testMissingOrFutureIssuedAtIsRefused() throws {
        let verifier = try fixture.verifier()
        let tokens = try fixture.tokens([
            rs256(Fixture.claims(["iat": nil])),
            es256(Fixture.claims(["iat": nil])),
            rs256(Fixture.claims(["iat": "yesterday"])),
            rs256(Fixture.claims(["iat": Int(Fixture.now) + 120])),
        ])
        assertRejected(tokens[0], by: verifier, as: .invalidClaims)
        assertRejected(tokens[1], by: verifier, as: .invalidClaims)
        assertRejected(tokens[2], by: verifier, as: .invalidClaims)
        assertRejected(tokens[3], by: verifier, as: .notYetValid)
    }

    func testWrongOrMissingIssuerIsRefused() throws {
        let verifier = try fixture.verifier()
        let tokens = try fixture.tokens([
            rs256(Fixture.claims(["iss": "https://idp.example.ch/realms/other"])),
            rs256(Fixture.claims(["iss": Fixture.issuer + "/"])),
            es256(Fixture.claims(["iss": nil])),
            // PyJWT refuses to write a non-string iss: signed directly with cryptography.
            IdP.raw("rsa-a", header: ["alg": "RS256", "typ": "JWT", "kid": "rsa-1"], claims: Fixture.claims(["iss": [Fixture.issuer]])),
        ])
        assertRejected(tokens[0], by: verifier, as: .wrongIssuer)
        assertRejected(tokens[1], by: verifier, as: .wrongIssuer)
        assertRejected(tokens[2], by: verifier, as: .wrongIssuer)
        assertRejected(tokens[3], by: verifier, as: .invalidClaims)
    }

    /// `aud` may be one string or an array; it must name the configured audience.
    func testAudienceAsStringOrArray() throws {
        let verifier = try fixture.verifier()
        let tokens = try fixture.tokens([
            rs256(Fixture.claims(["aud": "account"])),
            es256(Fixture.claims(["aud": ["account", "broker"]])),
            rs256(Fixture.claims(["aud": nil])),
            rs256(Fixture.claims(["aud": ["account", Fixture.audience]])),
            es256(Fixture.claims(["aud": [Fixture.audience]])),
            rs256(Fixture.claims(["aud": ["account", 7]])),
        ])
        assertRejected(tokens[0], by: verifier, as: .wrongAudience)
        assertRejected(tokens[1], by: verifier, as: .wrongAudience)
        assertRejected(tokens[2], by: verifier, as: .wrongAudience)
        _ = try assertAccepted(tokens[3], by: verifier)
        _ = try assertAccepted(tokens[4], by: verifier)
        assertRejected(tokens[5], by: verifier, as: .invalidClaims)
        // The client learns that the token is not for this service, not what would be.
        XCTAssertEqual(AuthenticationError.wrongIssuer.description, AuthenticationError.wrongAudience.description)
        XCTAssertFalse(AuthenticationError.wrongAudience.description.contains(Fixture.audience))
    }

    /// Without issuer and audience configured (development), neither is checked, but a present
    /// one must still have its type.
    func testUnconfiguredIssuerAndAudienceAreNotChecked() throws {
        let verifier = try fixture.verifier(policy: TokenPolicy())
        let tokens = try fixture.tokens([
            rs256(Fixture.claims(["iss": "anyone", "aud": "anything"])),
            rs256(Fixture.claims(["iss": nil, "aud": nil])),
            rs256(Fixture.claims(["aud": 42])),
        ])
        _ = try assertAccepted(tokens[0], by: verifier)
        _ = try assertAccepted(tokens[1], by: verifier)
        assertRejected(tokens[2], by: verifier, as: .invalidClaims)
    }

    /// Keycloak: roles in `realm_access.roles` with the prefix `ias-`, the organisation in a
    /// claim of a user-attribute mapper (`ias_org`).
    func testKeycloakClaimNames() throws {
        var policy = Fixture.policy
        policy.organisationClaim = try XCTUnwrap(ClaimName("ias_org"))
        policy.rolesClaim = try XCTUnwrap(ClaimName("realm_access.roles"))
        policy.rolePrefix = "ias-"
        let verifier = try fixture.verifier(policy: policy)
        let keycloak: [String: Any?] = [
            "org": nil, "roles": nil, "ias_org": "municipality:4001",
            "realm_access": ["roles": ["offline_access", "uma_authorization", "default-roles-ias", "ias-caseworker",
                                       "ias-approver", "admin", "ias-superuser"]],
            "resource_access": ["account": ["roles": ["manage-account"]]],
            "typ": "Bearer", "azp": Fixture.audience, "preferred_username": "anna.meier",
        ]
        let tokens = try fixture.tokens([
            rs256(Fixture.claims(keycloak)),
            es256(Fixture.claims(keycloak)),
            rs256(Fixture.claims(["org": "canton:KSD", "roles": ["ias-admin"]])),
            rs256(Fixture.claims(keycloak.merging(["realm_access": ["roles": "ias-caseworker"]]) { $1 })),
            rs256(Fixture.claims(keycloak.merging(["realm_access": nil]) { $1 })),
        ])
        for token in tokens.prefix(2) {
            let principal = try assertAccepted(token, by: verifier)
            XCTAssertEqual(principal.organisation, "municipality:4001")
            // The realm's own "admin" is not ias-admin; unknown ias- roles are dropped.
            XCTAssertEqual(principal.roles, ["caseworker", "approver"])
        }
        // The default claim names are not looked at once others are configured.
        assertRejected(tokens[2], by: verifier, as: .invalidClaims)
        assertRejected(tokens[3], by: verifier, as: .invalidClaims)
        assertRejected(tokens[4], by: verifier, as: .invalidClaims)
    }

    /// Client roles (`resource_access.<client>.roles`), and a namespaced claim name that
    /// itself contains dots (a top-level member of that exact name wins over the path).
    func testClientRolesAndNamespacedClaims() throws {
        var policy = Fixture.policy
        policy.rolesClaim = try XCTUnwrap(ClaimName("resource_access.ias-platform.roles"))
        policy.organisationClaim = try XCTUnwrap(ClaimName("https://ias.example.ch/org"))
        let verifier = try fixture.verifier(policy: policy)
        let token = try fixture.token(es256(Fixture.claims([
            "org": nil, "roles": ["admin"], "https://ias.example.ch/org": "delegate:caritas:4001",
            "resource_access": ["ias-platform": ["roles": ["auditor"]], "other": ["roles": ["admin"]]],
        ])))
        let principal = try assertAccepted(token, by: verifier)
        XCTAssertEqual(principal.organisation, "delegate:caritas:4001")
        XCTAssertEqual(principal.roles, ["auditor"])
    }

    func testClaimNamesAreChecked() {
        for bad in ["", "a..b", ".roles", "roles.", "realm access.roles", "roles\n", String(repeating: "r", count: 257)] {
            XCTAssertNil(ClaimName(bad), bad.debugDescription)
        }
        for good in ["org", "realm_access.roles", "resource_access.ias-platform.roles", "https://ias.example.ch/roles"] {
            XCTAssertEqual(ClaimName(good)?.text, good)
        }
    }
}
