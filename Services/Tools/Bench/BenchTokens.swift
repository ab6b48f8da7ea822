import Foundation
import IASAuth
import IASTokenSigning

/// Bearer tokens of the canton's intake office, signed with the stack's IAS_JWT_SECRET.
struct BenchTokens: Sendable {
    let caseworker: String
    let approver: String

    init(secret: String) throws {
        let signer = JWTSigner(keys: try JWTKeySet.parse(secret))
        caseworker = try signer.sign(subject: "bench-caseworker", organisation: "canton:KSD", roles: ["caseworker"], expiresIn: 14_400)
        approver = try signer.sign(subject: "bench-approver", organisation: "canton:KSD", roles: ["caseworker", "approver"],
                                   expiresIn: 14_400)
    }
}
