import Foundation

/// A real SMTP server for the tests that is not the platform's own code: aiosmtpd (PyPI, in
/// `IAS_TEST_PYTHON`'s environment, driven by `smtp_server.py` beside this file) on 127.0.0.1,
/// writing every mail it accepts into a Maildir the test reads; plain, STARTTLS or implicit
/// TLS with a certificate of its own (`certificate`), with AUTH when a user is given. Its port
/// is `IAS_TEST_SMTP_PORT` (+ an offset) when that is set, else a free one.
public final class SMTPSink: @unchecked Sendable {
    public let port: Int
    public let directory: URL
    private let process = Process()

    /// The port a sink of `offset` listens on, known before it starts (a service can be
    /// pointed at a server that is not there yet).
    public static func port(offset: Int = 0) -> Int {
        ProcessInfo.processInfo.environment["IAS_TEST_SMTP_PORT"].flatMap(Int.init).map { $0 + offset } ?? TestEnvironment.freePort()
    }

    /// `security`: none, starttls or tls.
    public init(port: Int? = nil, security: String = "none", user: String? = nil, password: String? = nil) throws {
        let python = try TestEnvironment.python
        self.port = port ?? Self.port()
        directory = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("ias-smtp-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        process.executableURL = URL(fileURLWithPath: python)
        var arguments = [Self.script, "--port", String(self.port), "--dir", directory.path, "--security", security]
        if let user, let password { arguments += ["--user", user, "--password", password] }
        process.arguments = arguments
        let log = directory.appendingPathComponent("server.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let logHandle = try FileHandle(forWritingTo: log)
        process.standardOutput = logHandle
        process.standardError = logHandle
        try process.run()
        let ready = directory.appendingPathComponent("ready").path
        guard eventually(within: 15, every: 0.1, { FileManager.default.fileExists(atPath: ready) ? true : nil }) == true else {
            let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            stop()
            throw SinkError("the SMTP server did not start on 127.0.0.1:\(self.port): \(output.suffix(1500))")
        }
    }

    /// The server's self-signed certificate (PEM): the authority a client must trust.
    public var certificate: String { directory.appendingPathComponent("cert.pem").path }

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

    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("smtp_server.py").path

    public struct SinkError: Error, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }
}
