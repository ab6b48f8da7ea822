import Foundation
import IASRuntime

/// A second instance of a service's release binary for the drain phase: its own database,
/// HTTP port and consumer groups, and its outbox relay off, so that it reads every topic it
/// subscribes to from the start and publishes nothing into the live system.
final class DrainInstance {
    let port: Int
    private let process = Process()
    private let pidFile: String?

    /// - Parameters:
    ///   - groupSuffix: unique per run, so that the groups have no committed offsets.
    init(service: BenchService, binDirectory: String, databaseURL: String, brokers: String, port: Int,
         groupSuffix: String, logFile: String, pidFile: String?) throws {
        self.port = port; self.pidFile = pidFile
        let binary = binDirectory + "/ias-\(service.name)"
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw BenchError("\(binary) is not an executable; build the release binaries first (swift build -c release)")
        }
        process.executableURL = URL(fileURLWithPath: binary)
        var environment = ProcessInfo.processInfo.environment   // IAS_JWT_SECRET, LD_LIBRARY_PATH
        environment["IAS_HTTP_PORT"] = String(port)
        environment["IAS_DATABASE_URL"] = databaseURL
        environment["IAS_KAFKA_BROKERS"] = brokers
        environment["IAS_INSTANCE_ID"] = "\(service.name)-drain"
        environment["IAS_LOG_LEVEL"] = environment["IAS_LOG_LEVEL"] ?? "warning"
        environment["IAS_OUTBOX_RELAY"] = "off"
        environment["IAS_CONSUMER_GROUP_SUFFIX"] = groupSuffix
        process.environment = environment
        _ = FileManager.default.createFile(atPath: logFile, contents: nil)
        guard let log = FileHandle(forWritingAtPath: logFile) else { throw BenchError("cannot write the drain log \(logFile)") }
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
    }

    var pid: Int32 { process.processIdentifier }
    var isRunning: Bool { process.isRunning }

    func start() throws {
        try process.run()
        if let pidFile { try? String(pid).write(toFile: pidFile, atomically: true, encoding: .utf8) }
    }

    /// SIGTERM (the orderly shutdown), SIGKILL if it is still there after `seconds`.
    func stop(seconds: Double = 20) {
        defer { if let pidFile { try? FileManager.default.removeItem(atPath: pidFile) } }
        guard process.isRunning else { return }
        process.terminate()
        let deadline = MonotonicClock.now() + seconds
        while process.isRunning && MonotonicClock.now() < deadline { Thread.sleep(forTimeInterval: 0.1) }
        if process.isRunning {
            kill(pid, SIGKILL)
            process.waitUntilExit()
        }
    }
}
