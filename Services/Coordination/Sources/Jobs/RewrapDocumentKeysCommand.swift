import Foundation
import IASPostgres
import IASRuntime
import IASServiceKit

/// `ias-admin rewrap-document-keys [--batch N]`: after a new master key was put first in
/// `IAS_DOCUMENT_MASTER_KEYS` (the old ones kept behind it), wraps every case key again under
/// the new one, in batches, while coordination runs. Afterwards the old master keys can be
/// removed. Reads coordination's environment (IAS_DATABASE_URL and the document keys).
///
/// Exit codes: 0 every case key is under the active master key, 1 some are not yet (run again), 2 wrong command line,
/// configuration or database unusable.
public enum RewrapDocumentKeysCommand {
    public static let name = "rewrap-document-keys"
    static let usage = "usage: ias-admin rewrap-document-keys [--batch N]   (N case keys per transaction, default 200)"

    public static func run(_ arguments: [String]) -> Int32 {
        let batch: Int
        do {
            let options = try CommandLineOptions.parsing(arguments, flags: [], known: ["batch"])
            batch = try options.integer("batch", default: 200, minimum: 1, maximum: 10_000)!
        } catch {
            CommandLineOptions.printError("\(name): \(error)\n\(usage)")
            return 2
        }
        do {
            var documents: DocumentSettings?
            let settings = try ServiceConfiguration.load(service: "coordination", defaultPort: 8085) { reader in
                documents = DocumentSettings.read(from: reader)
            }
            guard let vault = documents?.vault else { throw ConfigurationError(problems: ["the document keys are missing"]) }
            var configuration = settings.database
            configuration.poolSize = 1
            let pool = PostgresPool(configuration: configuration, logger: Logger(label: "coordination", minimumLevel: .warning))
            defer { pool.close() }
            var total = 0
            while true {
                let n = try pool.transaction { try vault.rewrap(limit: batch, on: $0) }
                total += n
                if n == 0 { break }
            }
            let counts = try pool.withConnection { try DocumentVault.keysByMasterKey(on: $0) }
            print("\(name): \(total) case keys re-wrapped under \(vault.ring.activeKeyId); case keys by master key: "
                  + counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
            // Keys locked by a running upload, or wrapped by an instance that still runs with the old
            // first key, are left: the old master key must stay until a run finds none.
            let left = counts.filter { $0.key != vault.ring.activeKeyId }.values.reduce(0, +)
            if left > 0 {
                print("\(name): \(left) case keys are still under another master key; keep it and run again")
                return 1
            }
            return 0
        } catch {
            CommandLineOptions.printError("\(name): \(error)")
            return 2
        }
    }
}
