import Foundation
import IASHTTP
import IASMessaging
import IASPostgres
import IASRuntime

/// The common `main` of every executable: build the host and run its workers until SIGTERM or
/// SIGINT; a failure to start is one clear line on standard error and exit status 1.
public enum ServiceMain {
    public static func run(_ service: String, _ build: () throws -> ServiceHost) -> Never {
        do {
            let host = try build()
            try host.workerGroup().runUntilTerminated(shutdownBound: host.configuration.shutdownSeconds)
        } catch {
            Logger(label: service).error("cannot start", ["error": String(describing: error)])
            exit(1)
        }
    }
}

extension ServiceHost {
    /// A host whose migrations (`Migrations/`) and OpenAPI document (`openapi.json`) are the
    /// resources of the service's module.
    public convenience init(service: String, defaultPort: Int, publishes: [String], resources bundle: Bundle,
                            usesCaseRegistry: Bool = false,
                            environment: [String: String] = ProcessInfo.processInfo.environment,
                            extraConfiguration: (ConfigurationReader) -> Void = { _ in }) throws {
        guard let migrations = bundle.url(forResource: "Migrations", withExtension: nil),
              let openAPI = bundle.url(forResource: "openapi", withExtension: "json") else {
            throw MessagingSetupError("the resources of \(service) (Migrations/, openapi.json) are missing from the installation")
        }
        try self.init(service: service, defaultPort: defaultPort, publishes: publishes,
                      migrations: try Migrator.load(directory: migrations), openAPI: try Data(contentsOf: openAPI),
                      usesCaseRegistry: usesCaseRegistry, environment: environment, extraConfiguration: extraConfiguration)
    }
}
