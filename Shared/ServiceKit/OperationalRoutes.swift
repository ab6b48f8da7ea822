import Foundation
import IASHTTP
import IASRuntime

/// `/healthz`, `/readyz`, `/metrics`, `/openapi.json`: unauthenticated and free of personal data.
struct OperationalRoutes {
    let host: ServiceHost

    func register(on router: Router, document: OpenAPIDocument) {
        let service = host.configuration.serviceName
        // Liveness is asked often and its answer never changes: encoded once.
        let alive = HTTPResponse.json(["status": "ok", "service": service])
        router.get("/healthz") { _ in alive }
        router.get("/readyz") { [host] _ in
            let (ready, checks) = host.readiness()
            return .json(ReadinessBody(status: ready ? "ready" : "not_ready", checks: checks), status: ready ? 200 : 503)
        }
        router.get("/metrics") { [host] _ in
            .text(host.metrics.render(), contentType: "text/plain; version=0.0.4; charset=utf-8")
        }
        let json = document.json
        router.get("/openapi.json") { _ in .json(json) }
    }

    struct ReadinessBody: Encodable {
        let status: String
        let checks: [String: String]
    }
}
