import Foundation
import IASHTTP
import IASHTTPClient
import IASRuntime

/// The portal's calls to the five services, always with the signed-in user's token: every
/// access rule and every audit record of the services applies to what the portal shows.
public final class Backends: @unchecked Sendable {
    private let pools: [Service: ServicePool]
    private let metrics: MetricsRegistry

    public init(endpoints: [Service: ServiceEndpoint], timeout: Double, metrics: MetricsRegistry) {
        var pools: [Service: ServicePool] = [:]
        for (service, endpoint) in endpoints {
            var configuration = HTTPClientConfiguration(host: endpoint.host, port: endpoint.port, readTimeout: timeout)
            configuration.connectTimeout = min(5, timeout)
            pools[service] = ServicePool(service: service, configuration: configuration)
        }
        self.pools = pools
        self.metrics = metrics
    }

    /// One answer of a service: its JSON (nil for an empty body), and the id of the event a
    /// write produced (`IAS-Event-Id`), which the next page awaits.
    public struct Answer: Sendable {
        public let status: Int
        public let json: JSONValue?
        public let eventId: String?
        public let headers: HTTPHeaders
        public let body: [UInt8]
    }

    /// Calls `service`; a 4xx/5xx answer throws `.refused` with its problem. `awaitEvent`
    /// asks the service to answer only once it has applied that event (bounded by the service).
    public func call(_ service: Service, _ method: String, _ path: String, token: String, json: JSONValue? = nil,
                     rawBody: (bytes: [UInt8], headers: [(String, String)])? = nil,
                     awaitEvent: String? = nil, headers extra: [(String, String)] = [], requestId: String) throws -> Answer {
        guard let pool = pools[service] else { throw BackendError.unreachable(service, "no address is configured") }
        var headers: [(String, String)] = [("Authorization", "Bearer \(token)"), ("Accept", "application/json"), ("X-Request-Id", requestId)]
        var body: [UInt8]?
        if let json {
            body = try JSONCoding.encode(json)
            headers.append(("Content-Type", "application/json"))
        } else if let rawBody {
            body = rawBody.bytes
            headers += rawBody.headers
        }
        if let awaitEvent { headers.append(("IAS-Await-Event", awaitEvent)) }
        headers += extra
        let started = MonotonicClock.now()
        let response = try pool.request(method, path, headers: headers, body: body)
        metrics.observe("portal_backend_seconds", help: "Time of the portal's calls to the services, by service.",
                        labels: ["service": service.rawValue], value: MonotonicClock.now() - started)
        guard response.status < 400 else {
            throw BackendError.refused(ServiceProblem(service: service, status: response.status, body: response.body,
                                                      retryAfter: response.header("Retry-After")))
        }
        var parsed: JSONValue?
        if !response.body.isEmpty, response.header("Content-Type")?.hasPrefix("application/json") == true {
            do { parsed = try JSONParser.parse(response.body) } catch {
                throw BackendError.malformed(service, "the body is not JSON: \(error)")
            }
        }
        return Answer(status: response.status, json: parsed, eventId: response.header("IAS-Event-Id"), headers: response.headers,
                      body: response.body)
    }
}
