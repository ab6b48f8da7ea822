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

    /// The correlation id of a request: `X-Correlation-Id` when it is a UUID, else a new one.
    public func correlationId(for request: HTTPRequest) -> Identifier {
        request.header("X-Correlation-Id").flatMap(Identifier.init) ?? Identifier(request.requestId) ?? Identifier()
    }
}

/// `?limit=&cursor=` of list endpoints; the cursor is the last id of the previous page.
public struct Pagination: Sendable {
    public let limit: Int
    public let after: Identifier?

    public init(_ request: HTTPRequest, defaultLimit: Int = 50, maximum: Int = 200) throws {
        var errors: [FieldError] = []
        if let text = request.query["limit"] {
            if let n = Int(text), (1...maximum).contains(n) { limit = n } else {
                limit = defaultLimit
                errors.append(FieldError(field: "limit", message: "must be a whole number from 1 to \(maximum)"))
            }
        } else { limit = defaultLimit }
        if let text = request.query["cursor"] {
            after = Identifier(text)
            if after == nil { errors.append(FieldError(field: "cursor", message: "is not a cursor returned by this list")) }
        } else { after = nil }
        if !errors.isEmpty { throw Problem.validation(errors) }
    }
}

/// One page of a list.
public struct Page<Item: Encodable & Sendable>: Encodable, Sendable {
    public let items: [Item]
    public let nextCursor: String?
    public init(items: [Item], nextCursor: String?) { self.items = items; self.nextCursor = nextCursor }
}

/// A stored text that is not one of an enum's cases: the database holds something the code
/// does not know (a migration is missing).
public struct UnexpectedStoredValue: Error, CustomStringConvertible {
    public let column: String
    public init(column: String) { self.column = column }
    public var description: String { "column \(column) holds a value this version does not know" }
}

extension PostgresRow {
    public func enumValue<T: RawRepresentable>(_ column: String) throws -> T where T.RawValue == String {
        guard let value = T(rawValue: try string(column)) else { throw UnexpectedStoredValue(column: column) }
        return value
    }
}
