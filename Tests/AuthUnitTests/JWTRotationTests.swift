import XCTest
import IASAuth
import IASTokenSigning
import IASRuntime

final class JWTRotationTests: XCTestCase {
    private let oldSecret = "old-secret-0123456789-0123456789-abcdef"
    private let newSecret = "new-secret-0123456789-0123456789-abcdef"

    func testOldKeyIsAcceptedWhileListedAndRefusedOnceRemoved() throws {
        let before = try JWTKeySet.parse("old:\(oldSecret)")
        let during = try JWTKeySet.parse("new:\(newSecret),old:\(oldSecret)")
        let after = try JWTKeySet.parse("new:\(newSecret)")

        let oldToken = "Bearer " + (try JWTSigner(keys: before).sign(
            subject: "s", organisation: "canton:DVI", roles: ["caseworker"], now: AuthFixtures.now))
        let newToken = "Bearer " + (try JWTSigner(keys: during).sign(
            subject: "s", organisation: "canton:DVI", roles: ["caseworker"], now: AuthFixtures.now))

        _ = try assertAccepted(oldToken, by: AuthFixtures.verifier(before))
        _ = try assertAccepted(oldToken, by: AuthFixtures.verifier(during))
        _ = try assertAccepted(newToken, by: AuthFixtures.verifier(during))
        _ = try assertAccepted(newToken, by: AuthFixtures.verifier(after))
        assertRejected(oldToken, by: AuthFixtures.verifier(after), as: .unknownKey)
        assertRejected(newToken, by: AuthFixtures.verifier(before), as: .unknownKey)
    }

    /// A token without kid is checked against the signing key only, never tried against all.
    func testTokenWithoutKeyIdIsCheckedAgainstTheSigningKeyOnly() throws {
        let during = try JWTKeySet.parse("new:\(newSecret),old:\(oldSecret)")
        let signer = JWTSigner(keys: during)
        let withOld = try signer.sign(header: AuthFixtures.header, claims: AuthFixtures.claims(), keyId: "old")
        let withNew = try signer.sign(header: AuthFixtures.header, claims: AuthFixtures.claims(), keyId: nil)
        assertRejected("Bearer " + withOld, by: AuthFixtures.verifier(during), as: .badSignature)
        _ = try assertAccepted("Bearer " + withNew, by: AuthFixtures.verifier(during))
    }

    /// The kid selects one key: a token naming "old" but signed with the new secret fails.
    func testKeyIdSelectsExactlyOneKey() throws {
        let during = try JWTKeySet.parse("new:\(newSecret),old:\(oldSecret)")
        var header = AuthFixtures.header
        header["kid"] = .string("old")
        let mismatched = try JWTSigner(keys: during).sign(header: header, claims: AuthFixtures.claims(), keyId: "new")
        assertRejected("Bearer " + mismatched, by: AuthFixtures.verifier(during), as: .badSignature)
    }

    func testUnknownKeyId() throws {
        let keys = try AuthFixtures.keys()
        for kid in ["ghost", "K1", "k1 ", "default"] {
            var header = AuthFixtures.header
            header["kid"] = .string(kid)
            let token = try JWTSigner(keys: keys).sign(header: header, claims: AuthFixtures.claims(), keyId: nil)
            assertRejected("Bearer " + token, by: AuthFixtures.verifier(keys), as: .unknownKey)
        }
    }
}
