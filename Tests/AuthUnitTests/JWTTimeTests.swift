import XCTest
import IASAuth
import IASRuntime

final class JWTTimeTests: XCTestCase {
    private let now = AuthFixtures.now.timeIntervalSince1970

    private func token(exp: Double, nbf: Double? = nil) throws -> String {
        var claims = AuthFixtures.claims()
        claims["exp"] = .number(exp)
        if let nbf { claims["nbf"] = .number(nbf) }
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
        let verifier = try verifier(skew: 60)
        let principal = try assertAccepted(try token(exp: now + 0.5), by: verifier)
        XCTAssertEqual(principal.expiresAt.timeIntervalSince1970, now + 0.5)
        _ = try assertAccepted(try token(exp: 1e300), by: verifier)
        assertRejected(try token(exp: -1e300), by: verifier, as: .expired)
        assertRejected(try token(exp: now + 3600, nbf: 1e300), by: verifier, as: .notYetValid)
    }
}
