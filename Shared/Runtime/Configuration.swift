import Foundation

/// Reads configuration from environment variables and collects every problem, so that a
/// service that is started wrongly says everything that is wrong at once and refuses to run.
///
/// Every key has a documented default for the local stack; `required` keys have none.
public final class ConfigurationReader {
    private let environment: [String: String]
    public private(set) var problems: [String] = []
    /// Every key this reader was asked for, with its default ("" when required); the
    /// deployment checks compare this list with compose and the manifests.
    public private(set) var keys: [(key: String, defaultValue: String?)] = []

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
    }

    private func raw(_ key: String, _ defaultValue: String?) -> String? {
        keys.append((key, defaultValue))
        if let value = environment[key], !value.isEmpty { return value }
        return defaultValue
    }

    public func string(_ key: String, default defaultValue: String) -> String {
        raw(key, defaultValue) ?? defaultValue
    }

    /// A value without default: missing is a problem.
    public func required(_ key: String, hint: String) -> String {
        guard let value = raw(key, nil) else {
            problems.append("\(key) is not set: \(hint)")
            return ""
        }
        return value
    }

    public func int(_ key: String, default defaultValue: Int, range: ClosedRange<Int>) -> Int {
        let text = raw(key, String(defaultValue)) ?? String(defaultValue)
        guard let value = Int(text), range.contains(value) else {
            problems.append("\(key)=\(text) is not a whole number in \(range.lowerBound)...\(range.upperBound)")
            return defaultValue
        }
        return value
    }

    public func double(_ key: String, default defaultValue: Double, range: ClosedRange<Double>) -> Double {
        let text = raw(key, String(defaultValue)) ?? String(defaultValue)
        guard let value = Double(text), range.contains(value) else {
            problems.append("\(key)=\(text) is not a number in \(range.lowerBound)...\(range.upperBound)")
            return defaultValue
        }
        return value
    }

    public func bool(_ key: String, default defaultValue: Bool) -> Bool {
        let text = (raw(key, defaultValue ? "true" : "false") ?? "").lowercased()
        switch text {
        case "1", "true", "yes", "on": return true
        case "0", "false", "no", "off": return false
        default:
            problems.append("\(key)=\(text) is not a boolean (true/false)")
            return defaultValue
        }
    }

    public func choice(_ key: String, default defaultValue: String, allowed: [String]) -> String {
        let value = raw(key, defaultValue) ?? defaultValue
        guard allowed.contains(value) else {
            problems.append("\(key)=\(value) must be one of \(allowed.joined(separator: ", "))")
            return defaultValue
        }
        return value
    }

    /// Adds a problem found by checking values together (a combination of keys, a file a key
    /// names); it is listed with the others. Name the key in it.
    public func report(_ problem: String) {
        problems.append(problem)
    }

    /// Call after reading every key: throws one error naming all problems.
    public func validate() throws {
        if !problems.isEmpty { throw ConfigurationError(problems: problems) }
    }
}

public struct ConfigurationError: Error, CustomStringConvertible {
    public let problems: [String]
    public init(problems: [String]) { self.problems = problems }
    public var description: String {
        "invalid configuration (fix the environment and start again):\n" + problems.map { "  - " + $0 }.joined(separator: "\n")
    }
}
