import Foundation
import IASContracts
import IASHTTP
import IASMessaging
import IASRuntime
import IASServiceKit

/// The costs service. It keeps the case registry (who is responsible for which case) from
/// intake's events; its own endpoints build on it.
public final class CostsApp: Sendable {
    let host: ServiceHost

    /// The topics this service consumes.
    static let consumedTopics = [Topics.intake, Topics.plan]

    public init(host: ServiceHost) { self.host = host }

    /// Entry point of the `ias-costs` executable.
    public static func main() -> Never {
        ServiceMain.run("costs") {
            let host = try ServiceHost(service: "costs", defaultPort: 8084, publishes: [Topics.costs], resources: Bundle.module,
                                       usesCaseRegistry: true)
            CostsApp(host: host).register()
            return host
        }
    }

    public func register() {
        host.subscribe(EventSubscription(name: "cases", topics: Self.consumedTopics) { envelope, connection in
            try CaseRegistry.apply(envelope, on: connection)
        })
    }
}
