import Foundation
import XCTest
import IASAuth
import IASRuntime

/// Keys, clock and token builders shared by the tests.
enum AuthFixtures {
    /// A fixed "now" so that every time check is reproducible.
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let primarySecret = Array("primary-secret-for-tests-0123456789abcdef".utf8)
    static let otherSecret = Array("another-secret-for-tests-0123456789abcdef".utf8)

    static func keys(_ keyId: String = "k1", secret: [UInt8] = primarySecret) throws -> JWTKeySet {
        try JWTKeySet(defaultKeyId: keyId, secrets: [keyId: secret])
    }

    static func verifier(_ keys: JWTKeySet, skew: TimeInterval = 60, at instant: Date = now) -> JWTVerifier {
        JWTVerifier(keys: keys, clockSkew: skew, now: { instant })
    }

    /// Valid claims for `now`; tests remove or replace members to break them.
    static func claims(
        subject: String = "user-17", organisation: String = "canton:KSD",
        roles: [String] = ["caseworker"], expiresIn: TimeInterval = 3600
    ) -> [String: JSONValue] {
        [
            "sub": .string(subject),
            "org": .string(organisation),
            "roles": .array(roles.map(JSONValue.string)),
            "iat": .number(now.timeIntervalSince1970),
            "exp": .number(now.timeIntervalSince1970 + expiresIn),
        ]
    }

    static let header: [String: JSONValue] = ["alg": .string("HS256"), "typ": .string("JWT")]

    /// base64url of the JSON text, exactly as written (for headers the signer would not produce).
    static func segment(_ json: String) -> String {
        Base64URL.encode(json)
    }

    static func encodedClaims(_ claims: [String: JSONValue] = claims()) throws -> String {
        Base64URL.encode(try JSONCoding.encode(claims))
    }
}

extension XCTestCase {
    /// Asserts that verification fails with exactly `expected`.
    func assertRejected(
        _ header: String?, by verifier: JWTVerifier, as expected: AuthenticationError,
        file: StaticString = #filePath, line: UInt = #line
    ) {
        switch verifier.verify(authorizationHeader: header) {
        case .success(let principal):
            XCTFail("expected \(expected), but the token verified as \(principal.subject)", file: file, line: line)
        case .failure(let error):
            XCTAssertEqual(error, expected, file: file, line: line)
        }
    }

    /// Asserts that verification succeeds and returns the principal.
    func assertAccepted(
        _ header: String?, by verifier: JWTVerifier, file: StaticString = #filePath, line: UInt = #line
    ) throws -> Principal {
        switch verifier.verify(authorizationHeader: header) {
        case .success(let principal):
            return principal
        case .failure(let error):
            XCTFail("expected the token to verify, but it failed with \(error)", file: file, line: line)
            throw error
        }
    }
}
