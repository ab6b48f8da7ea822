import CoordinationService
import Foundation
import IASRuntime

// `ias-admin`: operator commands that need the project's own code. It ships in the image
// and therefore mints no tokens: `ias-token` (not in the image) does that for the local stack.
//   ias-admin replay-dlq --topic TOPIC.dlq [--consumer NAME] [--limit N] [--dry-run] [--include-replayed]
//   ias-admin check-consistency [--max-backlog-seconds N] [--since TIMESTAMP]
//   ias-admin rebuild-dossier [--compare-only | --swap] [--samples N]   (in coordination's environment)
//   ias-admin rewrap-document-keys [--batch N]                        (in coordination's environment)
//   ias-admin export-person PERSON_ID --out FILE                      (IAS_EXPORT_TOKEN: an auditor's token)
//   ias-admin verify-audit-trail                                      (in coordination's environment)
// Secrets and connection settings come from the environment, never from arguments.

let usage = """
    usage: ias-admin replay-dlq --topic TOPIC.dlq [--consumer NAME] [--limit N] [--dry-run] [--include-replayed]
           ias-admin check-consistency [--max-backlog-seconds N] [--since TIMESTAMP]
           ias-admin rebuild-dossier [--compare-only | --swap] [--samples N]
           ias-admin rewrap-document-keys [--batch N]
           ias-admin export-person PERSON_ID --out FILE
           ias-admin verify-audit-trail
    """

let arguments = CommandLine.arguments
guard arguments.count >= 2 else { CommandLineOptions.fail(usage) }
let rest = arguments.dropFirst(2)
switch arguments[1] {
case "token":
    CommandLineOptions.fail("ias-admin mints no tokens: use ias-token (make token) for the local stack; in production tokens come from the identity provider")
case "replay-dlq":
    exit(ReplayDeadLettersCommand.run(CommandLineOptions.parse(rest, flags: ["dry-run", "include-replayed"])))
case "check-consistency":
    exit(CheckConsistencyCommand.run(CommandLineOptions.parse(rest, flags: [])))
case RebuildDossierCommand.name:
    exit(RebuildDossierCommand.run(Array(rest)))
case RewrapDocumentKeysCommand.name:
    exit(RewrapDocumentKeysCommand.run(Array(rest)))
case ExportPersonCommand.name:
    exit(ExportPersonCommand.run(Array(rest)))
case VerifyAuditTrailCommand.name:
    exit(VerifyAuditTrailCommand.run(Array(rest)))
case "-h", "--help", "help":
    print(usage)
default:
    CommandLineOptions.fail("unknown command \(arguments[1]); known: replay-dlq, check-consistency, rebuild-dossier, rewrap-document-keys, export-person, verify-audit-trail\n" + usage)
}
