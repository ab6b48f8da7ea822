import Foundation
import IASAuth

// `ias-admin`: operator commands that need the project's own code.
//   ias-admin token --org ORG --role ROLE[,ROLE] [--sub SUBJECT] [--ttl SECONDS]
// Secrets come from the environment (IAS_JWT_SECRET), never from arguments.

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data((message + "\n").utf8))
    exit(2)
}

func options(_ args: ArraySlice<String>) -> [String: String] {
    var result: [String: String] = [:]
    var iterator = args.makeIterator()
    while let arg = iterator.next() {
        guard arg.hasPrefix("--"), let value = iterator.next() else { fail("expected --name value pairs, got \(arg)") }
        result[String(arg.dropFirst(2))] = value
    }
    return result
}

let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
    fail("usage: ias-admin token --org ORG --role ROLE[,ROLE] [--sub SUBJECT] [--ttl SECONDS]")
}
switch arguments[1] {
case "token":
    let opts = options(arguments.dropFirst(2))
    guard let org = opts["org"], let roles = opts["role"] else { fail("token needs --org and --role") }
    guard let secret = ProcessInfo.processInfo.environment["IAS_JWT_SECRET"], !secret.isEmpty else {
        fail("IAS_JWT_SECRET is not set")
    }
    do {
        let signer = JWTSigner(keys: try JWTKeySet.parse(secret))
        let ttl = TimeInterval(opts["ttl"] ?? "3600") ?? 3600
        let token = try signer.sign(subject: opts["sub"] ?? "local-user", organisation: org,
                                    roles: roles.split(separator: ",").map(String.init), expiresIn: ttl)
        print(token)
    } catch {
        fail("cannot mint a token: \(error)")
    }
default:
    fail("unknown command \(arguments[1]); known: token")
}
