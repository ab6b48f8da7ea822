import Foundation
import IASContracts
import IASHTTP
import IASMessaging
import IASPostgres
import IASRuntime
import IASServiceKit
import TestSupport

/// One service's handlers and projections against the real PostgreSQL of `make test`, without
/// its process: its app is built on a `ServiceHost` pointed at a fresh database, the host's
/// migrations are applied, requests are answered in the calling thread by the same path the
/// server takes (`ServiceHost.respond(to:)`: middleware, token, access policy, handler, audit record) and events go to
/// its subscriptions' handlers in a transaction that also records them in the inbox, as the
/// event processor does. No HTTP server, outbox relay, consumer or scheduled job runs; what the
/// service publishes stays in its outbox, where a test reads it.
final class InProcessService: @unchecked Sendable {
    let host: ServiceHost
    /// The service's database (fresh, on the test server).
    let database: String
    private var offset: Int64 = 0

    /// - Parameters:
    ///   - module: the service's library target (its resources hold the migrations).
    ///   - settings: configuration keys beside (or instead of) those of the tests.
    ///   - register: builds the service's app on the host and registers its routes and subscriptions.
    ///   - runtimeRole: a login role made for this database that runs the service, while the
    ///     superuser runs the migrations (`IAS_DATABASE_MIGRATION_URL`); nil: the superuser does both.
    init(_ service: String, module: String, publishes: [String], usesCaseRegistry: Bool = false, settings: [String: String] = [:],
         runtimeRole: String? = nil, register: (ServiceHost) throws -> Void) throws {
        let resources = try TestEnvironment.binDirectory + "/ias-case-management_\(module).resources"
        guard let bundle = Bundle(path: resources) else { throw TestFailure("no resources of \(module) at \(resources); build with `swift build --build-tests`") }
        let database = try TestDatabase.create("ias_\(service)_inproc")
        var roles: [String: String] = [:]
        if let runtimeRole {
            try TestDatabase.withConnection(to: database) { c in
                try c.execute("CREATE ROLE \(runtimeRole) LOGIN")   // names made by the tests, not input
                try c.execute("GRANT CONNECT ON DATABASE \(database) TO \(runtimeRole)")
            }
            roles["IAS_DATABASE_MIGRATION_URL"] = try TestDatabase.url(database)
            roles["IAS_DATABASE_URL"] = try TestDatabase.url(database).replacingOccurrences(of: "://postgres@", with: "://\(runtimeRole)@")
        }
        self.database = database
        let environment = ["IAS_DATABASE_URL": try TestDatabase.url(database), "IAS_KAFKA_BROKERS": try TestEnvironment.brokers,
                           "IAS_JWT_SECRET": TestEnvironment.jwtSecret, "IAS_CASE_KEY_MASTER_KEYS": TestEnvironment.caseKeyMasterKeys, "IAS_HTTP_PORT": "0", "IAS_INSTANCE_ID": "\(service)-in-process",
                           "IAS_LOG_LEVEL": "warning", "IAS_DATABASE_POOL_SIZE": "4"].merging(roles) { $1 }.merging(settings) { $1 }
        host = try ServiceHost(service: service, defaultPort: 0, publishes: publishes, resources: bundle, usesCaseRegistry: usesCaseRegistry,
                               environment: environment)
        try register(host)
        try host.migrate()
    }

    deinit { host.pool.close() }

    // MARK: Requests

    /// Answers `method path` (with its query) as the service would, with `token` as bearer.
    func request(_ method: String, _ target: String, token: String?, json body: JSONValue? = nil, headers: [(String, String)] = []) throws -> HTTPResponse {
        let (path, query) = Self.split(target)
        var fields = HTTPHeaders(headers)
        if let token { fields.add("Authorization", "Bearer \(token)") }
        if body != nil { fields.add("Content-Type", "application/json") }
        let request = HTTPRequest(method: method, path: path, query: query, headers: fields, body: try body.map { try JSONCoding.encode($0) } ?? [],
                                  requestId: UUID().uuidString.lowercased(), logger: host.logger)
        return host.respond(to: request)
    }

    /// A request whose body is sent as it is (a document), with `headers`.
    func request(_ method: String, _ target: String, token: String?, raw body: [UInt8], headers: [(String, String)]) -> HTTPResponse {
        let (path, query) = Self.split(target)
        var fields = HTTPHeaders(headers)
        if let token { fields.add("Authorization", "Bearer \(token)") }
        let request = HTTPRequest(method: method, path: path, query: query, headers: fields, body: body,
                                  requestId: UUID().uuidString.lowercased(), logger: host.logger)
        return host.respond(to: request)
    }

    /// A request whose body is `body` encoded.
    func request<Body: Encodable>(_ method: String, _ target: String, token: String?, body: Body) throws -> HTTPResponse {
        try request(method, target, token: token, json: try body as? JSONValue ?? JSONValue(encoding: body))
    }

    private static func split(_ target: String) -> (path: String, query: [String: String]) {
        let parts = target.split(separator: "?", maxSplits: 1)
        var query: [String: String] = [:]
        for pair in parts.count > 1 ? parts[1].split(separator: "&") : [] {
            let nameAndValue = pair.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding ?? String($0) }
            if query[nameAndValue[0]] == nil { query[nameAndValue[0]] = nameAndValue.count > 1 ? nameAndValue[1] : "" }
        }
        return (String(parts[0]), query)
    }

    // MARK: Events

    /// Applies `payload` (about case `subject`) to every subscription of its topic, each in a
    /// transaction with its inbox row; false for a subscription that had applied it before.
    @discardableResult
    func apply<E: EventPayload>(_ payload: E, subject: String, topic: String? = nil) throws -> [Bool] {
        try apply(try EventPublisher.envelope(payload, subject: subject), topic: topic ?? EventPublisher.topic(of: E.source) ?? "")
    }

    @discardableResult
    func apply(_ envelope: EventEnvelope, topic: String) throws -> [Bool] {
        offset += 1
        let origin = EventOrigin(topic: topic, partition: 0, offset: offset)
        let subscriptions = host.eventSubscriptions.filter { $0.topics.contains(topic) }
        guard !subscriptions.isEmpty else { throw TestFailure("\(host.configuration.serviceName) consumes nothing from \(topic)") }
        return try subscriptions.map { subscription in
            try host.pool.transaction { connection -> Bool in
                let new = try connection.execute(
                    "INSERT INTO inbox (consumer, event_id, topic, event_type) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                    [subscription.name, envelope.id, topic, envelope.type]) == 1
                if new { try subscription.handler(envelope, origin, connection) }
                return new
            }
        }
    }

    /// The events the service has written to its outbox, oldest first: `(topic, envelope)`.
    func published(type: String? = nil) throws -> [(topic: String, envelope: EventEnvelope)] {
        try host.pool.withConnection { connection in
            try connection.query("SELECT topic, payload FROM outbox ORDER BY id").map {
                (try $0.string("topic"), try EventEnvelope.decode(Array(try $0.string("payload").utf8)))
            }
        }.filter { type == nil || $0.envelope.type == type }
    }
}
