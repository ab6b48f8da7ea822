import Foundation

/// One of the suite's executables run to its end, as an operator runs it: exit status, standard
/// output and standard error.
public struct ToolRun: Sendable {
    public let status: Int32
    public let output: String
    public let errors: String
    /// Everything, for failure messages.
    public var text: String { "exit \(status)\n\(output)\(errors)" }

    /// Runs `<IAS_TEST_BIN_DIR>/<executable>` with `arguments` and `environment` and waits for it.
    /// Output goes through files, so that a talkative tool never blocks on a full pipe.
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String]) throws -> ToolRun {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try TestEnvironment.binDirectory).appendingPathComponent(executable)
        process.arguments = arguments
        process.environment = environment
        let outputURL = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("\(executable)-\(UUID().uuidString).out")
        let errorsURL = outputURL.appendingPathExtension("err")
        for url in [outputURL, errorsURL] { _ = FileManager.default.createFile(atPath: url.path, contents: nil) }
        defer { for url in [outputURL, errorsURL] { try? FileManager.default.removeItem(at: url) } }
        process.standardOutput = try FileHandle(forWritingTo: outputURL)
        process.standardError = try FileHandle(forWritingTo: errorsURL)
        try process.run()
        process.waitUntilExit()
        return ToolRun(status: process.terminationStatus, output: try String(contentsOf: outputURL, encoding: .utf8),
                       errors: try String(contentsOf: errorsURL, encoding: .utf8))
    }
}
