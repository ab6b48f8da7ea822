import Foundation

/// `--name value` pairs and `--flag` switches after the command name. A wrong command line
/// ends the process with exit code 2 and a message on standard error.
struct CommandLineOptions {
    private var values: [String: String] = [:]
    private var switches: Set<String> = []

    static func parse(_ args: ArraySlice<String>, flags: Set<String>) -> CommandLineOptions {
        var result = CommandLineOptions()
        var iterator = args.makeIterator()
        while let arg = iterator.next() {
            guard arg.hasPrefix("--") else { fail("expected --name value or --flag, got \(arg)") }
            let name = String(arg.dropFirst(2))
            if flags.contains(name) {
                result.switches.insert(name)
            } else {
                guard let value = iterator.next() else { fail("\(arg) needs a value") }
                result.values[name] = value
            }
        }
        return result
    }

    subscript(_ name: String) -> String? { values[name] }

    func flag(_ name: String) -> Bool { switches.contains(name) }

    /// A whole number of at least `minimum`, or `defaultValue` when the option is absent.
    func int(_ name: String, default defaultValue: Int?, minimum: Int) -> Int? {
        guard let text = values[name] else { return defaultValue }
        guard let value = Int(text), value >= minimum else { Self.fail("--\(name) must be a whole number of at least \(minimum), got \(text)") }
        return value
    }

    /// Ends the process: exit code 2 (wrong use or set-up, as opposed to 1 for a finding).
    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data((message + "\n").utf8))
        exit(2)
    }
}
