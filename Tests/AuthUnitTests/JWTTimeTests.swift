import XCTest
import IASAuth
import IASTokenSigning
import IASRuntime

final class JWTTimeTests: XCTestCase {
    private let now = AuthFixtures.now.timeIntervalSince1970

    private func token(exp: Double, nbf: Double? = nil, iat: Double? = nil) throws -> String {
        var claims = AuthFixtures.claims()
        claims["exp"] = .number(exp)
        if let nbf { claims["nbf"] = .number(nbf) }
        if let iat { claims["iat"] = .number(iat) }
        return "Bearer " + (try JWTSigner(keys: try AuthFixtures.keys()).sign(header: AuthFixtures.header, claims: claims, keyId: nil))
    }

    private func verifier(skew: TimeInterval) throws -> JWTVerifier {
        AuthFixtures.verifier(try AuthFixtures.keys(), skew: skew)
    }

    func testExpiredTokenIsRefused() throws {
        assertRejected(try token(exp: now - 3600), by: try verifier(skew: 60), as: .expired)
        assertRejected(try token(exp: now - 61), by: try verifier(skew: 60), as: .expired)
    }

    func testSignerCanMintAnExpiredToken() throws {
        let keys = try AuthFixtures.keys()
        let token = try JWTSigner(keys: keys).sign(
            subject: "s", organisation: "canton:KSD", roles: [], expiresIn: 600,
            now: AuthFixtures.now.addingTimeInterval(-3600))
        assertRejected("Bearer " + token, by: AuthFixtures.verifier(keys), as: .expired)
    }

    func testNotYetValidTokenIsRefused() throws {
        assertRejected(try token(exp: now + 7200, nbf: now + 3600), by: try verifier(skew: 60), as: .notYetValid)
        assertRejected(try token(exp: now + 7200, nbf: now + 61), by: try verifier(skew: 60), as: .notYetValid)
    }

    /// Clocks of issuer and service may differ by up to the skew in either direction.
    func testClockSkewIsTolerated() throws {
        let verifier = try verifier(skew: 60)
        _ = try assertAccepted(try token(exp: now - 30), by: verifier)
        _ = try assertAccepted(try token(exp: now - 59), by: verifier)
        _ = try assertAccepted(try token(exp: now + 3600, nbf: now + 30), by: verifier)
        _ = try assertAccepted(try token(exp: now + 3600, nbf: now + 60), by: verifier)
        // exp is exclusive: at exactly exp + skew the token is expired.
        assertRejected(try token(exp: now - 60), by: verifier, as: .expired)
    }

    func testWithoutSkewTheBoundsAreExact() throws {
        let verifier = try verifier(skew: 0)
        assertRejected(try token(exp: now), by: verifier, as: .expired)
        _ = try assertAccepted(try token(exp: now + 1), by: verifier)
        _ = try assertAccepted(try token(exp: now + 10, nbf: now), by: verifier)
        assertRejected(try token(exp: now + 10, nbf: now + 1), by: verifier, as: .notYetValid)
        // A negative skew is treated as none rather than shortening every token.
        _ = try assertAccepted(try token(exp: now + 1), by: AuthFixtures.verifier(try AuthFixtures.keys(), skew: -100))
    }

    func testExpiryIsReadAgainForEveryRequest() throws {
        let keys = try AuthFixtures.keys()
        let header = try token(exp: now + 100)
        _ = try assertAccepted(header, by: AuthFixtures.verifier(keys, skew: 0, at: AuthFixtures.now.addingTimeInterval(99)))
        assertRejected(header, by: AuthFixtures.verifier(keys, skew: 0, at: AuthFixtures.now.addingTimeInterval(100)), as: .expired)
    }

    func testFractionalAndExtremeTimes() throws {
        // Without a lifetime bound worth the name, so that exp alone decides about 1e300.
        let verifier = try JWTVerifier(
            secrets: try AuthFixtures.keys(), publicKeys: nil, policy: TokenPolicy(clockSkew: 60, maximumLifetime: 1e301),
            now: { AuthFixtures.now })
        let principal = try assertAccepted(try token(exp: now + 0.5), by: verifier)
        XCTAssertEqual(principal.expiresAt.timeIntervalSince1970, now + 0.5)
        _ = try assertAccepted(try token(exp: 1e300), by: verifier)
        assertRejected(try token(exp: -1e300), by: verifier, as: .expired)
        assertRejected(try token(exp: now + 3600, nbf: 1e300), by: verifier, as: .notYetValid)
    }

    /// A token must say when it was issued: the lifetime check needs it.
    func testIssuedAtIsRequired() throws {
        var claims = AuthFixtures.claims()
        claims["iat"] = nil
        let token = try JWTSigner(keys: try AuthFixtures.keys()).sign(header: AuthFixtures.header, claims: claims, keyId: nil)
        assertRejected("Bearer " + token, by: try verifier(skew: 60), as: .invalidClaims)
    }

    /// An HS256 token valid for 400 days is refused although it has not expired; one of
    /// exactly the longest lifetime (12 hours by default) is accepted.
    func testLifetimeIsBounded() throws {
        let verifier = try verifier(skew: 60)
        XCTAssertEqual(verifier.policy.maximumLifetime, 43_200)
        assertRejected(try token(exp: now + 400 * 86_400, iat: now), by: verifier, as: .lifetimeTooLong)
        assertRejected(try token(exp: now + 3600, iat: now - 43_200), by: verifier, as: .lifetimeTooLong)
        _ = try assertAccepted(try token(exp: now + 3600, iat: now - 39_600), by: verifier)
        let signer = JWTSigner(keys: try AuthFixtures.keys())
        let minted = try signer.sign(subject: "s", organisation: "canton:KSD", roles: [], expiresIn: 400 * 86_400, now: AuthFixtures.now)
        assertRejected("Bearer " + minted, by: verifier, as: .lifetimeTooLong)
        let shorter = try JWTVerifier(
            secrets: try AuthFixtures.keys(), publicKeys: nil, policy: TokenPolicy(maximumLifetime: 600), now: { AuthFixtures.now })
        assertRejected(try token(exp: now + 601, iat: now), by: shorter, as: .lifetimeTooLong)
        _ = try assertAccepted(try token(exp: now + 600, iat: now), by: shorter)
    }

    /// iat in the future beyond the skew: a wrong clock, or a token made to pass the lifetime
    /// check; not valid yet either way.
    func testIssuedInTheFutureIsRefused() throws {
        let verifier = try verifier(skew: 60)
        assertRejected(try token(exp: now + 3600, iat: now + 61), by: verifier, as: .notYetValid)
        _ = try assertAccepted(try token(exp: now + 3600, iat: now + 60), by: verifier)
    }
}
