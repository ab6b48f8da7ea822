import IASAuth
import IASTokenSigning

/// Signs bearer tokens with an HS256 secret, as the canton's test and load tooling does.
public struct TestTokens: Sendable {
    private let signer: JWTSigner

    /// Throws when `secret` is not a usable key set (see `IAS_JWT_SECRET`).
    public init(secret: String) throws {
        signer = JWTSigner(keys: try JWTKeySet.parse(secret))
    }

    /// The tokens the services of the tests accept (`TestEnvironment.jwtSecret`).
    public static let standard = try! TestTokens(secret: TestEnvironment.jwtSecret)

    /// A token of `subject` in `org` with `roles`, valid for `expiresIn` seconds (fixed, well-formed
    /// names only: a name the contract does not know stops the run).
    public func token(org: String, roles: [String] = ["caseworker"], subject: String = "e2e-user", expiresIn: Double = 3600) -> String {
        try! signer.sign(subject: subject, organisation: org, roles: roles, expiresIn: expiresIn)
    }
}
