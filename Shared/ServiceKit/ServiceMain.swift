import Foundation
import IASHTTP
import IASMessaging
import IASPostgres
import IASRuntime

/// The common `main` of every executable: build the host and run its workers until SIGTERM or
/// SIGINT; a failure to start is one clear line on standard error and exit status 1.
public enum ServiceMain {
    public static func run(_ service: String, _ build: () throws -> ServiceHost) -> Never {
        boundLargeAllocations()
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

extension ServiceMain {
    /// Buffers of 2 MiB and more (a document upload, an allocation list) are mapped on their own
    /// and given back to the system when freed. glibc's default raises that threshold after the
    /// first large buffer is freed, so that later ones come from the heap and stay in the
    /// process after the request: eight concurrent 10 MB uploads then left coordination at
    /// 232 MB instead of about 120 (make bench, documents phase). A fixed threshold keeps the
    /// memory of a request with the request.
    static func boundLargeAllocations() {
        #if os(Linux)
        // mallopt is declared in <malloc.h>, which the Glibc module does not bring; M_MMAP_THRESHOLD is -3 there.
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
        _ = unsafeBitCast(symbol, to: Mallopt.self)(-3, 2 << 20)
        #endif
    }
}
