import Foundation
import IASHTTPClient

/// The five services (or a subset, and the partner simulator) as real processes on free ports.
public final class TestStack: @unchecked Sendable {
    public private(set) var services: [String: ServiceProcess] = [:]
    /// The five services of the suite.
    public static let suite = ["intake", "assessment", "plan", "costs", "coordination"]

    public init(_ names: [String], extraEnvironment: [String: [String: String]] = [:]) throws {
        let ports = Dictionary(uniqueKeysWithValues: names.map { ($0, TestEnvironment.freePort()) })
        for name in names {
            let port = ports[name]!
            let environment = try TestEnvironment.serviceEnvironment(name, port: port, instance: "\(name)-e2e")
                .merging(Self.peers(of: name, ports: ports)) { $1 }
                .merging(extraEnvironment[name] ?? [:]) { $1 }
            services[name] = ServiceProcess(name: name, port: port, environment: environment)
        }
    }

    /// Where coordination asks the other services of the stack for a person's export.
    static func peers(of name: String, ports: [String: Int]) -> [String: String] {
        guard name == "coordination" else { return [:] }
        var environment: [String: String] = [:]
        for (peer, port) in ports where ["intake", "assessment", "plan", "costs"].contains(peer) {
            environment["IAS_SUBJECT_ACCESS_\(peer.uppercased())_URL"] = "http://127.0.0.1:\(port)"
        }
        return environment
    }

    public subscript(name: String) -> ServiceProcess { services[name]! }

    /// The port of each service by name.
    public var ports: [String: Int] { services.mapValues(\.port) }

    /// The stack of a test class, started (and, with `warmUp`, every consumer group joined) in
    /// its class set-up; a stack that cannot start ends the run with the reason.
    public static func running(_ names: [String], extraEnvironment: [String: [String: String]] = [:], warmUp: Bool = true) -> TestStack {
        do {
            let stack = try TestStack(names, extraEnvironment: extraEnvironment)
            do {
                try stack.start()
                if warmUp { try stack.warmUp() }
            } catch { stack.stop(); throw error }
            return stack
        } catch { fatalError("the stack did not start: \(error)") }
    }

    public func start() throws {
        for service in services.values { try service.start() }
        for service in services.values { try service.waitUntilReady() }
    }

    public func stop() {
        for service in services.values { service.stop() }
    }

    /// Waits until one registration has travelled to coordination: the consumer groups have
    /// joined and the pipeline is warm (as after `make run` loaded its demo).
    public func warmUp(timeout: Double = 60) throws {
        let worker = CaseWorker(stack: self)
        let registered = try worker.register(.sample(givenName: "Warm"))
        _ = try worker.dossier(registered.caseId, within: timeout)
    }

    /// A new connection to `name`, opened at once (so that a test holds a real connection).
    public func client(_ name: String) throws -> HTTPClient { try HTTPClient.connected(port: self[name].port) }
}

extension HTTPClient {
    /// A client to 127.0.0.1:`port` whose connection is opened at once.
    public static func connected(port: Int, readTimeout: Double = 5) throws -> HTTPClient {
        let client = HTTPClient(port: port, readTimeout: readTimeout)
        try client.connect()
        return client
    }
}
