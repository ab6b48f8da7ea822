import Foundation
import IASAuth

/// `ias-admin token`: a bearer token for the local stack, signed with IAS_JWT_SECRET.
enum TokenCommand {
    static func run(_ opts: CommandLineOptions) {
        guard let org = opts["org"], let roles = opts["role"] else { CommandLineOptions.fail("token needs --org and --role") }
        guard let secret = ProcessInfo.processInfo.environment["IAS_JWT_SECRET"], !secret.isEmpty else {
            CommandLineOptions.fail("IAS_JWT_SECRET is not set")
        }
        do {
            let signer = JWTSigner(keys: try JWTKeySet.parse(secret))
            let ttl = TimeInterval(opts["ttl"] ?? "3600") ?? 3600
            let token = try signer.sign(subject: opts["sub"] ?? "local-user", organisation: org,
                                        roles: roles.split(separator: ",").map(String.init), expiresIn: ttl)
            print(token)
        } catch {
            CommandLineOptions.fail("cannot mint a token: \(error)")
        }
    }
}
