import Foundation
import IASContracts
import IASHTTP
import IASMessaging
import IASRuntime
import IASServiceKit

/// The assessment service. It keeps the case registry (who is responsible for which case) from
/// intake's events; its own endpoints build on it.
public final class AssessmentApp: Sendable {
    let host: ServiceHost

    /// The topics this service consumes.
    static let consumedTopics = [Topics.intake]

    public init(host: ServiceHost) { self.host = host }

    /// Entry point of the `ias-assessment` executable.
    public static func main() -> Never {
        ServiceMain.run("assessment") {
            let host = try ServiceHost(service: "assessment", defaultPort: 8082, publishes: [Topics.assessment], resources: Bundle.module,
                                       usesCaseRegistry: true)
            AssessmentApp(host: host).register()
            return host
        }
    }

    public func register() {
        host.subscribe(EventSubscription(name: "cases", topics: Self.consumedTopics) { envelope, connection in
            try CaseRegistry.apply(envelope, on: connection)
        })
    }
}
