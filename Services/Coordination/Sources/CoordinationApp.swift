import Foundation
import IASContracts
import IASHTTP
import IASMessaging
import IASPostgres
import IASRuntime
import IASServiceKit

/// The coordination service: the dossier built from every service's events.
public final class CoordinationApp: Sendable {
    let host: ServiceHost

    public init(host: ServiceHost) { self.host = host }

    /// Entry point of the `ias-coordination` executable.
    public static func main() -> Never {
        ServiceMain.run("coordination") {
            let host = try ServiceHost(service: "coordination", defaultPort: 8085,
                                       publishes: [Topics.coordination, Topics.partnerOutbound], resources: Bundle.module)
            CoordinationApp(host: host).register()
            return host
        }
    }

    public func register() {
        host.subscribe(EventSubscription(name: "dossier", topics: DossierProjection.topics) { envelope, connection in
            try DossierProjection.apply(envelope, on: connection)
        })
        host.route("GET", "/cases/{caseId}/dossier") { [self] context in try dossier(context) }
    }

    func dossier(_ context: RequestContext) throws -> HTTPResponse {
        guard let caseId = Identifier(try context.request.parameter("caseId")) else { throw Problem.notFound("no case with this id") }
        guard let dossier = try host.read({ try Dossier.load(caseId, on: $0) }) else {
            throw Problem.notFound("no case with this id")
        }
        // Until the registration arrived only the canton sees the case.
        try context.requireCaseAccess(responsibleOrg: dossier.responsibleOrg ?? "canton:KSD")
        return .json(dossier)
    }
}
