import Foundation

/// Structured JSON log lines on standard error, one object per line.
///
/// Fields are plain strings chosen by the caller; personal data (names, dates of birth,
/// ZEMIS numbers, free text) must never be passed in: log identifiers (case id, person id,
/// request id, event id) instead.
public struct Logger: Sendable {
    public enum Level: Int, Sendable, Comparable, CaseIterable {
        case debug = 0, info, warning, error
        public static func < (a: Level, b: Level) -> Bool { a.rawValue < b.rawValue }
        var name: String { ["debug", "info", "warning", "error"][rawValue] }
        public init?(name: String) {
            switch name.lowercased() {
            case "debug": self = .debug
            case "info": self = .info
            case "warning", "warn": self = .warning
            case "error": self = .error
            default: return nil
            }
        }
    }

    public let label: String
    public var minimumLevel: Level
    private let base: [String: String]

    public init(label: String, minimumLevel: Level = .info, fields: [String: String] = [:]) {
        self.label = label
        self.minimumLevel = minimumLevel
        self.base = fields
    }

    /// A logger that adds `fields` (for example the request id) to every line.
    public func with(_ fields: [String: String]) -> Logger {
        Logger(label: label, minimumLevel: minimumLevel, fields: base.merging(fields) { $1 })
    }

    public func info(_ message: String, _ fields: [String: String] = [:]) { log(.info, message, fields) }
    public func warning(_ message: String, _ fields: [String: String] = [:]) { log(.warning, message, fields) }
    public func error(_ message: String, _ fields: [String: String] = [:]) { log(.error, message, fields) }

    public func log(_ level: Level, _ message: String, _ fields: [String: String]) {
        guard level >= minimumLevel else { return }
        var line = "{\"ts\":\"\(Timestamp.now())\",\"level\":\"\(level.name)\",\"service\":"
        line += JSONString.quote(label) + ",\"msg\":" + JSONString.quote(message)
        for (key, value) in base.merging(fields, uniquingKeysWith: { $1 }).sorted(by: { $0.key < $1.key }) {
            line += "," + JSONString.quote(key) + ":" + JSONString.quote(value)
        }
        line += "}\n"
        LogSink.write(line)
    }
}

/// Serialises writes so that lines from different threads never interleave.
enum LogSink {
    private static let lock = NSLock()
    static func write(_ line: String) {
        lock.lock()
        defer { lock.unlock() }
        var bytes = Array(line.utf8)
        bytes.withUnsafeMutableBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = Foundation.write(2, buffer.baseAddress! + offset, buffer.count - offset)
                if n <= 0 { return }
                offset += n
            }
        }
    }
}
