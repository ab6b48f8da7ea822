import XCTest
import IASAuth
import IASTokenSigning
import IASRuntime

final class JWTClaimsTests: XCTestCase {
    private func assertClaims(
        _ change: (inout [String: JSONValue]) -> Void, rejectedAs expected: AuthenticationError = .invalidClaims,
        file: StaticString = #filePath, line: UInt = #line
    ) throws {
        let keys = try AuthFixtures.keys()
        var claims = AuthFixtures.claims()
        change(&claims)
        let token = try JWTSigner(keys: keys).sign(header: AuthFixtures.header, claims: claims, keyId: nil)
        assertRejected("Bearer " + token, by: AuthFixtures.verifier(keys), as: expected, file: file, line: line)
    }

    func testRequiredClaimsMustBePresent() throws {
        for name in ["sub", "org", "roles", "exp", "iat"] {
            try assertClaims { $0[name] = nil }
        }
    }

    func testSubjectMustBeANonEmptyString() throws {
        try assertClaims { $0["sub"] = .string("") }
        try assertClaims { $0["sub"] = .number(17) }
        try assertClaims { $0["sub"] = .null }
        try assertClaims { $0["sub"] = .string(String(repeating: "s", count: 257)) }
    }

    func testOrganisationMustBeOneOfTheContract() throws {
        for organisation in ["foo", "", "canton", "canton:", "canton:ZH", "canton:ksd", "canton:KSD:1",
                             "municipality:", "municipality:0", "municipality:04001", "municipality:+4001",
                             "municipality:10000", "municipality:-1", "municipality:40 01", "municipality:x",
                             "delegate:caritas", "delegate::4001", "delegate:cari tas:4001", "delegate:caritas:0",
                             "delegate:\(String(repeating: "n", count: 61)):4001", "partner:BKS", "partner:rav",
                             "Canton:KSD", " canton:KSD", "canton:KSD\n"] {
            try assertClaims { $0["org"] = .string(organisation) }
        }
        try assertClaims { $0["org"] = .array([.string("canton:KSD")]) }
        try assertClaims { $0["org"] = .number(4001) }
    }

    func testRolesMustBeAnArrayOfStrings() throws {
        try assertClaims { $0["roles"] = .string("admin") }
        try assertClaims { $0["roles"] = .object(["admin": .bool(true)]) }
        try assertClaims { $0["roles"] = .array([.string("caseworker"), .number(1)]) }
        try assertClaims { $0["roles"] = .array([.null]) }
        try assertClaims { $0["roles"] = .null }
    }

    func testTimesMustBeNumbers() throws {
        try assertClaims { $0["exp"] = .string("1900000000") }
        try assertClaims { $0["exp"] = .bool(true) }
        try assertClaims { $0["nbf"] = .string("0") }
        try assertClaims { $0["iat"] = .string("yesterday") }
    }

    func testUnknownRolesAndExtraClaimsAreIgnored() throws {
        let keys = try AuthFixtures.keys()
        var claims = AuthFixtures.claims(roles: ["auditor", "superuser", "ADMIN", "admin"])
        claims["iss"] = .string("somewhere")
        claims["aud"] = .array([.string("intake")])
        let token = try JWTSigner(keys: keys).sign(header: AuthFixtures.header, claims: claims, keyId: nil)
        let principal = try assertAccepted("Bearer " + token, by: AuthFixtures.verifier(keys))
        XCTAssertEqual(principal.roles, ["auditor", "admin"])
    }

    func testPrincipalDropsUnknownRoles() {
        let principal = Principal(subject: "s", organisation: "canton:KSD", roles: ["admin", "root"], expiresAt: AuthFixtures.now)
        XCTAssertEqual(principal.roles, ["admin"])
    }
}
