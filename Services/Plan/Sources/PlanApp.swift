import Foundation
import IASContracts
import IASHTTP
import IASMessaging
import IASRuntime
import IASServiceKit

/// The plan service. It keeps the case registry (who is responsible for which case) from
/// intake's events; its own endpoints build on it.
public final class PlanApp: Sendable {
    let host: ServiceHost

    /// The topics this service consumes.
    static let consumedTopics = [Topics.intake, Topics.assessment, Topics.costs]

    public init(host: ServiceHost) { self.host = host }

    /// Entry point of the `ias-plan` executable.
    public static func main() -> Never {
        ServiceMain.run("plan") {
            let host = try ServiceHost(service: "plan", defaultPort: 8083, publishes: [Topics.plan], resources: Bundle.module,
                                       usesCaseRegistry: true)
            PlanApp(host: host).register()
            return host
        }
    }

    public func register() {
        host.subscribe(EventSubscription(name: "cases", topics: Self.consumedTopics) { envelope, connection in
            try CaseRegistry.apply(envelope, on: connection)
        })
    }
}
