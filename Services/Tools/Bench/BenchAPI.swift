import Foundation

enum BenchService: Int, CaseIterable, Sendable {
    case intake, assessment, plan, costs, coordination
    var name: String { String(describing: self) }
}

/// The public HTTP API as one worker of the load generator sees it: a kept-alive connection
/// per service, the bearer tokens, and every request's latency recorded by endpoint.
final class BenchAPI {
    let today: String
    private let connections: [HTTPConnection]
    private let tokens: BenchTokens
    private let recorder: LatencyRecorder
    private let clock: RunClock

    init(portBase: Int, tokens: BenchTokens, recorder: LatencyRecorder, clock: RunClock, today: String) {
        connections = BenchService.allCases.map { HTTPConnection(port: portBase + $0.rawValue) }
        self.tokens = tokens; self.recorder = recorder; self.clock = clock; self.today = today
    }

    var now: Double { clock.now }

    func post(_ service: BenchService, _ path: String, endpoint: String, _ body: Any, approver: Bool = false,
              headers: [(String, String)] = []) throws -> HTTPConnection.Response {
        let bytes = Array(try JSONSerialization.data(withJSONObject: body))
        return try timed(endpoint) {
            try connections[service.rawValue].send("POST", path, token: approver ? tokens.approver : tokens.caseworker,
                                                    body: bytes, headers: headers)
        }
    }

    func get(_ service: BenchService, _ path: String, endpoint: String) throws -> HTTPConnection.Response {
        try timed(endpoint) { try connections[service.rawValue].send("GET", path, token: tokens.caseworker) }
    }

    private func timed(_ endpoint: String, _ body: () throws -> HTTPConnection.Response) throws -> HTTPConnection.Response {
        let start = clock.now
        let response = try body()
        let end = clock.now
        recorder.record(endpoint, finishedAt: end, milliseconds: (end - start) * 1000, status: response.status)
        return response
    }
}
