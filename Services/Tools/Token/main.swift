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

guard let organisation = options["org"], let roles = options["role"] else { CommandLineOptions.fail("--org and --role are required\n" + usage) }
let reader = ConfigurationReader()
let secret = reader.required("IAS_JWT_SECRET", hint: "the HS256 secret of the services this token is for (make token sets the local stack's)")
if reader.string("IAS_ENVIRONMENT", default: "development") == "production" {
    reader.report("IAS_ENVIRONMENT=production: services there accept no HS256 token; tokens come from the identity provider")
}
// Each problem on a line of its own, as when they were checked one at a time.
guard reader.problems.isEmpty else { CommandLineOptions.fail(reader.problems.joined(separator: "\n")) }
guard let ttl = Int(options["ttl"] ?? "3600"), (1...604_800).contains(ttl) else {
    CommandLineOptions.fail("--ttl must be a whole number of seconds in 1...604800")
}
// Empty counts as unset, as for the services.
let issuer = reader.string("IAS_JWT_ISSUER", default: ""), audience = reader.string("IAS_JWT_AUDIENCE", default: "")
let nonEmpty: (String?) -> String? = { $0.flatMap { $0.isEmpty ? nil : $0 } }
do {
    let signer = JWTSigner(keys: try JWTKeySet.parse(secret))
    print(try signer.sign(
        subject: options["sub"] ?? "local-user", organisation: organisation,
        roles: roles.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) },
        expiresIn: TimeInterval(ttl),
        issuer: nonEmpty(options["iss"]) ?? nonEmpty(issuer),
        audience: nonEmpty(options["aud"]) ?? nonEmpty(audience)))
} catch {
    CommandLineOptions.fail("cannot mint a token: \(error)")
}
