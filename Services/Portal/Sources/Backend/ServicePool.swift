import IASHTTP
import IASHTTPClient
import IASRuntime

/// Kept-alive connections to one service: a request takes an idle one or opens a new one and
/// gives it back afterwards, up to `maxIdle` kept. A connection that failed is dropped.
final class ServicePool: @unchecked Sendable {
    let service: Service
    let configuration: HTTPClientConfiguration
    private let idle = Locked<[HTTPClient]>([])
    private let maxIdle: Int

    init(service: Service, configuration: HTTPClientConfiguration, maxIdle: Int = 32) {
        self.service = service
        self.configuration = configuration
        self.maxIdle = maxIdle
    }

    func request(_ method: String, _ path: String, headers: [(String, String)], body: [UInt8]?) throws -> HTTPClientResponse {
        let client = idle.withLock { $0.popLast() } ?? HTTPClient(configuration)
        do {
            let response = try client.request(method, path, headers: headers, body: body)
            idle.withLock { if $0.count < maxIdle { $0.append(client) } }
            return response
        } catch {
            client.close()
            throw BackendError.unreachable(service, String(describing: error))
        }
    }
}
