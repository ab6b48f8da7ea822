import Foundation
import IASHTTP
import IASHTTPClient
import IASRuntime
import TestSupport
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// Hundreds of idle connections and clients sending a byte per second, while a normal client
/// keeps getting answers within its usual latency. Two services: one with the production
/// connection limit (512, above the hostile load), one whose limit (100) is below it.
final class HostileInputLoadTests: XCTestCase {
    nonisolated(unsafe) static var stack: TestStack!
    nonisolated(unsafe) static var limitedStack: TestStack!
    nonisolated(unsafe) static var descriptorNote = ""

    static let idleConnections = 300
    static let slowClients = 20
    static let normalRequests = 200
    static let limitedMaxConnections = 100
    /// Descriptors this process needs besides the hostile sockets (stack, logs, the
    /// normal client, XCTest); the service processes inherit the same limit.
    static let descriptorHeadroom = 200

    let canton = TestEnvironment.token(org: "canton:KSD")

    override class func setUp() {
        super.setUp()
        descriptorNote = raiseDescriptorLimit(to: idleConnections + slowClients + limitedMaxConnections + descriptorHeadroom)
        // Idle and slow connections must outlive the measurement, so the read timeout (2 s in
        // the other end-to-end tests) is the production default here.
        let environment = ["IAS_HTTP_READ_TIMEOUT_SECONDS": "10", "IAS_HTTP_MAX_CONNECTIONS": "512"]
        stack = TestStack.running(["intake"], extraEnvironment: ["intake": environment], warmUp: false)
        do {
            limitedStack = try TestStack(["intake"], extraEnvironment: ["intake": environment.merging([
                "IAS_HTTP_MAX_CONNECTIONS": String(limitedMaxConnections), "IAS_INSTANCE_ID": "intake-e2e-limited",
            ]) { $1 }])
            try limitedStack.start()
        } catch {
            stack.stop()
            limitedStack?.stop()
            fatalError("the stack did not start: \(error)")
        }
    }

    override class func tearDown() {
        stack.stop()
        limitedStack.stop()
        super.tearDown()
    }

    /// Raises the soft open-file limit towards `needed` (up to the hard limit) and says what
    /// it found; the tests fail with this text when the limit stays too low.
    static func raiseDescriptorLimit(to needed: Int) -> String {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return "getrlimit failed: errno \(errno)" }
        let before = limit.rlim_cur
        if limit.rlim_cur < rlim_t(needed) {
            limit.rlim_cur = min(rlim_t(needed), limit.rlim_max)
            _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
            _ = getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        }
        let note = "open-file limit (ulimit -n): \(before) before, \(limit.rlim_cur) now, hard \(limit.rlim_max), needed \(needed)"
        print(note)
        return limit.rlim_cur >= rlim_t(needed) ? "" : note
    }

    private func requireDescriptors() throws {
        guard Self.descriptorNote.isEmpty else {
            XCTFail("too few file descriptors for \(Self.idleConnections) idle and \(Self.slowClients) slow connections: \(Self.descriptorNote); raise it with `ulimit -n` before running the tests")
            throw TestFailure("descriptor limit")
        }
    }

    // MARK: Load

    /// Connections that never send a byte.
    private func openIdle(_ count: Int, port: Int) throws -> [HTTPClient] {
        try (0..<count).map { _ in try HTTPClient.connected(port: port, readTimeout: 5) }
    }

    /// Clients that send a registration one byte per second; stopped by `stop`.
    private final class SlowSenders: @unchecked Sendable {
        private let clients: [HTTPClient]
        private let lock = NSLock()
        private var stopped = false
        private(set) var bytesSent = 0
        private(set) var failures = 0
        private let done = DispatchSemaphore(value: 0)

        init(count: Int, port: Int, token: String) throws {
            clients = try (0..<count).map { _ in try HTTPClient.connected(port: port, readTimeout: 5) }
            let request = Array("POST /persons HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(token)\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}".utf8)
            let thread = Thread { [self] in
                defer { done.signal() }
                var offset = 0
                while offset < request.count {
                    if lock.withLock({ stopped }) { return }
                    for client in clients {
                        if (try? client.send(raw: [request[offset]])) == nil { lock.withLock { failures += 1 } }
                    }
                    lock.withLock { bytesSent += 1 }
                    offset += 1
                    Thread.sleep(forTimeInterval: 1)
                }
            }
            thread.start()
        }

        func stop() {
            lock.withLock { stopped = true }
            done.wait()
        }

        var sent: Int { lock.withLock { bytesSent } }
        var sendFailures: Int { lock.withLock { failures } }
    }

    struct Latencies {
        var samples: [Double] = []
        var failures: [String] = []

        func percentile(_ p: Double) -> Double {
            guard !samples.isEmpty else { return .infinity }
            let sorted = samples.sorted()
            return sorted[min(sorted.count - 1, Int((p * Double(sorted.count)).rounded(.up)) - 1)]
        }

        var summary: String {
            String(format: "n=%d failures=%d p50=%.2f ms p90=%.2f ms p99=%.2f ms max=%.2f ms", samples.count, failures.count,
                   percentile(0.5) * 1000, percentile(0.9) * 1000, percentile(0.99) * 1000, (samples.max() ?? .infinity) * 1000)
        }
    }

    /// A normal client: `count` requests, each on a new connection (as a client without a
    /// pool would, which also exercises accepting under load), alternating /healthz and an
    /// authenticated read of a real person.
    private func measure(port: Int, personId: String, count: Int) -> Latencies {
        var result = Latencies()
        for index in 0..<count {
            let started = MonotonicClock.now()
            do {
                let client = try HTTPClient.connected(port: port, readTimeout: 5)
                let response = index % 2 == 0
                    ? try client.request("GET", "/healthz")
                    : try client.json("GET", "/persons/\(personId)", token: canton)
                if response.status == 200 {
                    result.samples.append(MonotonicClock.now() - started)
                } else {
                    result.failures.append("request \(index): \(response.status) \(response.text.prefix(200))")
                }
            } catch {
                result.failures.append("request \(index): \(error)")
            }
        }
        return result
    }

    private func registerPerson(port: Int) throws -> String {
        try CaseAPI(ports: ["intake": port], caseworker: canton, approver: canton).register(.sample(givenName: "Load")).value.personId
    }

    private func assertLatencyHolds(baseline: Latencies, loaded: Latencies, label: String,
                                    file: StaticString = #filePath, line: UInt = #line) {
        let bound = max(5 * baseline.percentile(0.99), 0.050)
        print("[\(label)] baseline: \(baseline.summary)")
        print("[\(label)] under hostile load: \(loaded.summary); bound for p99 = max(5 × baseline p99, 50 ms) = \(String(format: "%.2f", bound * 1000)) ms")
        XCTAssertEqual(baseline.failures, [], "\(label): the baseline had failures", file: file, line: line)
        XCTAssertEqual(loaded.failures, [], "\(label): the normal client failed under load", file: file, line: line)
        XCTAssertLessThanOrEqual(loaded.percentile(0.99), bound, "\(label): p99 under load exceeds the bound", file: file, line: line)
    }

    func testNormalClientKeepsItsLatencyAmongIdleAndSlowConnections() throws {
        try requireDescriptors()
        let port = Self.stack["intake"].port
        let personId = try registerPerson(port: port)
        _ = measure(port: port, personId: personId, count: 20)   // warm-up: pool connections, caches
        let baseline = measure(port: port, personId: personId, count: Self.normalRequests)

        let idle = try openIdle(Self.idleConnections, port: port)
        let slow = try SlowSenders(count: Self.slowClients, port: port, token: canton)
        defer { slow.stop() }
        // Let the slow clients get a few bytes in, so that they are mid-request.
        Thread.sleep(forTimeInterval: 2.5)
        let loaded = measure(port: port, personId: personId, count: Self.normalRequests)
        let sentDuring = slow.sent
        print("[limit 512] \(idle.count) idle connections and \(Self.slowClients) slow clients (\(sentDuring) bytes each so far, one per second)")
        assertLatencyHolds(baseline: baseline, loaded: loaded, label: "limit 512")
        XCTAssertGreaterThanOrEqual(sentDuring, 3, "the slow clients were not sending during the measurement")
        XCTAssertEqual(slow.sendFailures, 0, "a slow client was cut off while below the read timeout")

        // Below the limit, nobody was pushed out: an idle connection still gets its answer.
        for client in idle.prefix(5) {
            XCTAssertEqual(try client.request("GET", "/healthz").status, 200)
        }
    }

    func testBeyondTheLimitSilentConnectionsGiveWayAndSpeakingOnesGet503() throws {
        try requireDescriptors()
        let port = Self.limitedStack["intake"].port
        let personId = try registerPerson(port: port)
        _ = measure(port: port, personId: personId, count: 20)
        let baseline = measure(port: port, personId: personId, count: Self.normalRequests)

        // Three times the limit in silent connections: each new one replaces the oldest
        // silent one, so none is refused and the normal client still gets in.
        let idle = try openIdle(Self.idleConnections, port: port)
        let slow = try SlowSenders(count: Self.slowClients, port: port, token: canton)
        Thread.sleep(forTimeInterval: 2.5)
        let loaded = measure(port: port, personId: personId, count: Self.normalRequests)
        print("[limit \(Self.limitedMaxConnections)] \(idle.count) idle connections and \(Self.slowClients) slow clients (\(slow.sent) bytes each so far)")
        assertLatencyHolds(baseline: baseline, loaded: loaded, label: "limit \(Self.limitedMaxConnections)")
        XCTAssertEqual(slow.sendFailures, 0, "a slow client that had spoken lost its slot")
        XCTAssertTrue(idle[0].waitForClose(timeout: 5), "the oldest silent connection was not closed to make room")
        slow.stop()

        // When every slot holds a connection that has begun a request (the slow clients keep
        // theirs), there is no one to replace: the next connection is refused with 503 at once.
        var speaking: [HTTPClient] = []
        for _ in 0..<(Self.limitedMaxConnections - Self.slowClients) {
            let client = try HTTPClient.connected(port: port, readTimeout: 5)
            try client.send(raw: "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Partial: ")
            // Each must have spoken before the next arrives, or the next would replace it.
            usleep(5_000)
            speaking.append(client)
        }
        Thread.sleep(forTimeInterval: 0.3)
        let started = MonotonicClock.now()
        let refused = try HTTPClient.connected(port: port, readTimeout: 5)
        try? refused.send(raw: "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        let answer = try refused.readResponse()
        let refusedIn = MonotonicClock.now() - started
        print(String(format: "[limit %d] refused with %d in %.2f ms while %d connections and %d slow clients were mid-request",
                     Self.limitedMaxConnections, answer.status, refusedIn * 1000, speaking.count, Self.slowClients))
        XCTAssertEqual(answer.status, 503, answer.text)
        XCTAssertEqual(answer.headers["retry-after"], "1")
        XCTAssertEqual(answer.headers["content-type"], "application/problem+json")
        XCTAssertLessThan(refusedIn, 0.5)
        // The speaking connections were not cut off: each request still completes.
        for client in speaking.prefix(5) {
            try client.send(raw: "1\r\n\r\n")
            XCTAssertEqual(try client.readResponse().status, 200)
        }
    }
}
