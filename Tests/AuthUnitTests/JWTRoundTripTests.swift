import XCTest
import IASAuth
import IASTokenSigning
import IASRuntime

final class JWTRoundTripTests: XCTestCase {
    func testSignedTokenVerifiesIntoAPrincipal() throws {
        let keys = try AuthFixtures.keys()
        let token = try JWTSigner(keys: keys).sign(
            subject: "anna.meier", organisation: "delegate:caritas:4001",
            roles: ["caseworker", "approver", "janitor"], now: AuthFixtures.now)

        let principal = try assertAccepted("Bearer " + token, by: AuthFixtures.verifier(keys))
        XCTAssertEqual(principal, Principal(
            subject: "anna.meier", organisation: "delegate:caritas:4001",
            roles: ["caseworker", "approver"], expiresAt: AuthFixtures.now.addingTimeInterval(3600)))
        XCTAssertTrue(principal.hasRole("approver"))
        XCTAssertFalse(principal.hasRole("janitor"), "unknown roles are ignored")
        XCTAssertFalse(principal.hasRole("admin"))
    }

    func testMintedHeaderNamesAlgorithmTypeAndSigningKey() throws {
        let keys = try AuthFixtures.keys("2026-11")
        let token = try JWTSigner(keys: keys).sign(subject: "s", organisation: "partner:RAV", roles: [], now: AuthFixtures.now)
        let header = try XCTUnwrap(Base64URL.decode(String(token.prefix { $0 != "." })))
        XCTAssertEqual(String(decoding: header, as: UTF8.self), #"{"alg":"HS256","kid":"2026-11","typ":"JWT"}"#)
        let principal = try assertAccepted("Bearer " + token, by: AuthFixtures.verifier(keys))
        XCTAssertEqual(principal.roles, [])
    }

    func testAcceptsEveryOrganisationOfTheContract() throws {
        let keys = try AuthFixtures.keys()
        let signer = JWTSigner(keys: keys)
        for organisation in ["canton:KSD", "canton:DVI", "canton:AWA", "canton:BKS", "municipality:1",
                             "municipality:4001", "municipality:9999", "delegate:caritas:4001",
                             "delegate:Heks-Bern_2.0:351", "partner:RAV"] {
            let token = try signer.sign(subject: "s", organisation: organisation, roles: ["auditor"], now: AuthFixtures.now)
            let principal = try assertAccepted("Bearer " + token, by: AuthFixtures.verifier(keys))
            XCTAssertEqual(principal.organisation, organisation)
        }
    }

    /// The scheme is case-insensitive and may be followed by several spaces (RFC 9110 §11.1).
    func testAcceptsBearerSchemeVariants() throws {
        let keys = try AuthFixtures.keys()
        let token = try JWTSigner(keys: keys).sign(subject: "s", organisation: "canton:KSD", roles: [], now: AuthFixtures.now)
        for header in ["bearer " + token, "BEARER " + token, "Bearer   " + token, " Bearer " + token + " ", "Bearer\t" + token] {
            _ = try assertAccepted(header, by: AuthFixtures.verifier(keys))
        }
    }

    func testTokenWithoutKeyIdUsesTheDefaultKey() throws {
        let keys = try AuthFixtures.keys()
        let token = try JWTSigner(keys: keys).sign(header: AuthFixtures.header, claims: AuthFixtures.claims(), keyId: nil)
        _ = try assertAccepted("Bearer " + token, by: AuthFixtures.verifier(keys))
    }

    func testSignerRefusesClaimsThatCouldNeverVerify() throws {
        let signer = JWTSigner(keys: try AuthFixtures.keys())
        XCTAssertThrowsError(try signer.sign(subject: "s", organisation: "foo", roles: []))
        XCTAssertThrowsError(try signer.sign(subject: "", organisation: "canton:KSD", roles: []))
        XCTAssertThrowsError(try signer.sign(header: AuthFixtures.header, claims: AuthFixtures.claims(), keyId: "nope"))
    }

    func testVerifiesConcurrently() throws {
        let keys = try AuthFixtures.keys()
        let verifier = AuthFixtures.verifier(keys)
        let header = "Bearer " + (try JWTSigner(keys: keys).sign(
            subject: "s", organisation: "municipality:4001", roles: ["caseworker"], now: AuthFixtures.now))
        DispatchQueue.concurrentPerform(iterations: 200) { _ in
            if case .failure(let error) = verifier.verify(authorizationHeader: header) {
                XCTFail("concurrent verification failed with \(error)")
            }
        }
    }
}
