import Foundation
import IASHTTPClient

/// A real SMTP server for the tests that is not the platform's own code: aiosmtpd (PyPI, in
/// `IAS_TEST_PYTHON`'s environment) on 127.0.0.1, writing every mail it accepts into a Maildir
/// the test reads. Its port is `IAS_TEST_SMTP_PORT` (+ an offset) when that is set, else a free one.
public final class SMTPSink: @unchecked Sendable {
    public let port: Int
    public let directory: URL
    private let process = Process()

    /// The port a sink of `offset` listens on, known before it starts (a service can be
    /// pointed at a server that is not there yet).
    public static func port(offset: Int = 0) -> Int {
        ProcessInfo.processInfo.environment["IAS_TEST_SMTP_PORT"].flatMap(Int.init).map { $0 + offset } ?? TestEnvironment.freePort()
    }

    public init(port: Int? = nil) throws {
        guard let python = ProcessInfo.processInfo.environment["IAS_TEST_PYTHON"], !python.isEmpty else {
            throw SinkError("IAS_TEST_PYTHON is not set: run the tests with `make test`, which installs aiosmtpd into .local/test-venv")
        }
        self.port = port ?? Self.port()
        directory = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("ias-smtp-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-m", "aiosmtpd", "-n", "-l", "127.0.0.1:\(self.port)", "-c", "aiosmtpd.handlers.Mailbox", directory.appendingPathComponent("mail").path]
        let log = directory.appendingPathComponent("aiosmtpd.log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let logHandle = try FileHandle(forWritingTo: log)
        process.standardOutput = logHandle
        process.standardError = logHandle
        try process.run()
        let listening = eventually(within: 15, every: 0.1) { [port = self.port] () -> Bool? in
            guard let fd = try? HTTPClient.connected(port: port) else { return nil }
            fd.close()
            return true
        }
        guard listening == true else {
            let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            stop()
            throw SinkError("aiosmtpd did not listen on 127.0.0.1:\(self.port): \(output.suffix(1500))")
        }
    }

    /// Every mail received so far, as the server stored it (headers and body as sent).
    public func messages() -> [String] {
        let fm = FileManager.default
        return ["new", "cur"].flatMap { folder -> [String] in
            let dir = directory.appendingPathComponent("mail").appendingPathComponent(folder)
            let names = (try? fm.contentsOfDirectory(atPath: dir.path)) ?? []
            return names.sorted().compactMap { try? String(contentsOf: dir.appendingPathComponent($0), encoding: .utf8) }
        }
    }

    public func stop() {
        if process.isRunning { process.terminate(); process.waitUntilExit() }
        try? FileManager.default.removeItem(at: directory)
    }

    deinit { stop() }

    public struct SinkError: Error, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }
}
