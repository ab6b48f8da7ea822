import Foundation
import IASAuth
import IASRuntime
import IASTokenSigning

// `ias-token`: an HS256 bearer token for the local stack and tests, signed with
// IAS_JWT_SECRET (the first entry of a list). Not part of the image: in production tokens
// come from the canton's identity provider, and services started with
// IAS_ENVIRONMENT=production accept no HS256 token.
//   ias-token --org ORG --role ROLE[,ROLE] [--sub SUBJECT] [--ttl SECONDS] [--iss ISSUER] [--aud AUDIENCE]

let usage = """
    usage: ias-token --org ORG --role ROLE[,ROLE] [--sub SUBJECT] [--ttl SECONDS] [--iss ISSUER] [--aud AUDIENCE]
      IAS_JWT_SECRET      the services' HS256 secret (required)
      --ttl               lifetime in seconds (default 3600); services refuse more than their
                          IAS_JWT_MAX_LIFETIME_SECONDS (default 43200)
      --iss, --aud        claims for services that check them (default IAS_JWT_ISSUER, IAS_JWT_AUDIENCE)
    """

let options: CommandLineOptions
do {
    options = try CommandLineOptions.parsing(CommandLine.arguments.dropFirst(), flags: [], known: ["org", "role", "sub", "ttl", "iss", "aud"], help: true)
} catch {
    CommandLineOptions.fail("\(error)\n" + usage)
}
if options.helpRequested {
    print(usage)
    exit(0)
}

let environment = ProcessInfo.processInfo.environment
guard let organisation = options["org"], let roles = options["role"] else { CommandLineOptions.fail("--org and --role are required\n" + usage) }
guard let secret = environment["IAS_JWT_SECRET"], !secret.isEmpty else {
    CommandLineOptions.fail("IAS_JWT_SECRET is not set: the HS256 secret of the services this token is for (make token sets the local stack's)")
}
if environment["IAS_ENVIRONMENT"] == "production" {
    CommandLineOptions.fail("IAS_ENVIRONMENT=production: services there accept no HS256 token; tokens come from the identity provider")
}
guard let ttl = Int(options["ttl"] ?? "3600"), (1...604_800).contains(ttl) else {
    CommandLineOptions.fail("--ttl must be a whole number of seconds in 1...604800")
}
let nonEmpty: (String?) -> String? = { $0.flatMap { $0.isEmpty ? nil : $0 } }
do {
    let signer = JWTSigner(keys: try JWTKeySet.parse(secret))
    print(try signer.sign(
        subject: options["sub"] ?? "local-user", organisation: organisation,
        roles: roles.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) },
        expiresIn: TimeInterval(ttl),
        issuer: nonEmpty(options["iss"]) ?? nonEmpty(environment["IAS_JWT_ISSUER"]),
        audience: nonEmpty(options["aud"]) ?? nonEmpty(environment["IAS_JWT_AUDIENCE"])))
} catch {
    CommandLineOptions.fail("cannot mint a token: \(error)")
}
