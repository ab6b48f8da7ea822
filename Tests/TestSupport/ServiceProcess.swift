import Foundation
import IASHTTPClient
#if canImport(Glibc)
import Glibc
#endif

/// One service executable started as a real process, as production runs it; its output goes
/// to `<IAS_TEST_LOG_DIR>/<name>-<port>.log`.
public final class ServiceProcess: @unchecked Sendable {
    public let name: String
    public let port: Int
    private let environment: [String: String]
    private var process: Process?
    public let logURL: URL

    public init(name: String, port: Int, environment: [String: String]) {
        self.name = name
        self.port = port
        self.environment = environment
        logURL = URL(fileURLWithPath: TestEnvironment.logDirectory).appendingPathComponent("\(name)-\(port).log")
    }

    public func start() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try TestEnvironment.binDirectory).appendingPathComponent("ias-\(name)")
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

    public var isRunning: Bool { process?.isRunning ?? false }
    public var pid: Int32 { process?.processIdentifier ?? 0 }

    /// Waits until `/readyz` answers 200.
    public func waitUntilReady(timeout: Double = 60) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            guard isRunning else { throw TestFailure("\(name) exited during start; see \(logURL.path)") }
            if (try? HTTPClient(port: port, readTimeout: 2).request("GET", "/readyz"))?.status == 200 { return }
            Thread.sleep(forTimeInterval: 0.1)
        }
        throw TestFailure("\(name) was not ready within \(timeout) s; see \(logURL.path)")
    }

    /// SIGKILL: no shutdown code runs, as in a crash or an OOM kill.
    public func kill9() {
        guard let process, process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// SIGTERM and wait: the orderly shutdown an orchestrator asks for.
    public func stop() {
        guard let process, process.isRunning else { return }
        process.terminate()
        let deadline = Date().addingTimeInterval(20)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }
    }

    public var exitStatus: Int32? {
        guard let process, !process.isRunning else { return nil }
        return process.terminationStatus
    }

    /// Waits up to `seconds` for the process to end by itself; its exit status, or nil.
    public func waitForExit(within seconds: Double) -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        while isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        return exitStatus
    }
}
