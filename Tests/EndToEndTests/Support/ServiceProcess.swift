import Foundation

/// One service executable started as a real process, as production runs it.
final class ServiceProcess {
    let name: String
    let port: Int
    private let environment: [String: String]
    private var process: Process?
    let logURL: URL

    init(name: String, port: Int, environment: [String: String]) {
        self.name = name
        self.port = port
        self.environment = environment
        let directory = ProcessInfo.processInfo.environment["IAS_TEST_LOG_DIR"] ?? NSTemporaryDirectory()
        logURL = URL(fileURLWithPath: directory).appendingPathComponent("\(name)-\(port).log")
    }

    func start() throws {
        let binary = URL(fileURLWithPath: TestEnvironment.binDirectory).appendingPathComponent("ias-\(name)")
        let process = Process()
        process.executableURL = binary
        process.environment = environment
        if !FileManager.default.fileExists(atPath: logURL.path) {
            _ = FileManager.default.createFile(atPath: logURL.path, contents: nil)
        }
        let log = try FileHandle(forWritingTo: logURL)
        log.seekToEndOfFile()
        process.standardOutput = log
        process.standardError = log
        try process.run()
        self.process = process
    }

    var isRunning: Bool { process?.isRunning ?? false }
    var pid: Int32 { process?.processIdentifier ?? 0 }

    /// Waits until `/readyz` answers 200.
    func waitUntilReady(timeout: Double = 60) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            guard isRunning else { throw TestFailure("\(name) exited during start; see \(logURL.path)") }
            if let client = try? RawHTTPClient(port: port, timeout: 2),
               let response = try? client.request("GET", "/readyz"), response.status == 200 { return }
            Thread.sleep(forTimeInterval: 0.1)
        }
        throw TestFailure("\(name) was not ready within \(timeout) s; see \(logURL.path)")
    }

    /// SIGKILL: no shutdown code runs, as in a crash or an OOM kill.
    func kill9() {
        guard let process, process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// SIGTERM and wait: the orderly shutdown an orchestrator asks for.
    func stop() {
        guard let process, process.isRunning else { return }
        process.terminate()
        let deadline = Date().addingTimeInterval(20)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }
    }

    var exitStatus: Int32? {
        guard let process, !process.isRunning else { return nil }
        return process.terminationStatus
    }
}
