import Foundation

/// The command line of the suite's tools (`ias-admin` and its commands, `ias-token`):
/// `--name value` pairs and `--flag` switches. Secrets and connection settings are never
/// options (they would show in `ps`); they come from the environment (`ConfigurationReader`).
public struct CommandLineOptions: Sendable {
    /// A wrong command line, in the words the operator reads.
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public let description: String
        public init(_ description: String) { self.description = description }
    }

    /// What stands where an option is expected and asks for the usage instead.
    public static let helpArguments: Set<String> = ["-h", "--help", "help"]

    private var values: [String: String] = [:]
    private var switches: Set<String> = []
    /// A help argument came before anything wrong; the rest was not read.
    public private(set) var helpRequested = false

    /// `known` names the value options a command takes, so that a misspelt one is refused
    /// rather than ignored; nil takes any `--name value`. With `help`, one of
    /// `helpArguments` ends the parse with `helpRequested`.
    public static func parsing(_ args: some Sequence<String>, flags: Set<String>, known: Set<String>? = nil,
                               help: Bool = false) throws -> CommandLineOptions {
        var result = CommandLineOptions()
        var iterator = args.makeIterator()
        while let arg = iterator.next() {
            if help && helpArguments.contains(arg) {
                result.helpRequested = true
                return result
            }
            let name = arg.hasPrefix("--") ? String(arg.dropFirst(2)) : nil
            if let name, flags.contains(name) {
                result.switches.insert(name)
                continue
            }
            if let known {
                guard let name, known.contains(name) else { throw Failure("unknown argument \(arg)") }
            }
            guard let name else { throw Failure("expected --name value or --flag, got \(arg)") }
            guard let value = iterator.next() else { throw Failure("\(arg) needs a value") }
            result.values[name] = value
        }
        return result
    }

    /// `parsing`, ending the process on a wrong command line (exit code 2).
    public static func parse(_ args: some Sequence<String>, flags: Set<String>, known: Set<String>? = nil) -> CommandLineOptions {
        do { return try parsing(args, flags: flags, known: known) } catch { fail("\(error)") }
    }

    public subscript(_ name: String) -> String? { values[name] }

    public func flag(_ name: String) -> Bool { switches.contains(name) }

    /// A whole number in `minimum...maximum`, or `defaultValue` when the option is absent.
    public func integer(_ name: String, default defaultValue: Int?, minimum: Int, maximum: Int = .max) throws -> Int? {
        guard let text = values[name] else { return defaultValue }
        guard let value = Int(text), value >= minimum, value <= maximum else {
            let bounds = maximum == .max ? "of at least \(minimum)" : "in \(minimum)...\(maximum)"
            throw Failure("--\(name) must be a whole number \(bounds), got \(text)")
        }
        return value
    }

    /// `integer`, ending the process when the option is no such number.
    public func int(_ name: String, default defaultValue: Int?, minimum: Int) -> Int? {
        do { return try integer(name, default: defaultValue, minimum: minimum) } catch { Self.fail("\(error)") }
    }

    /// Ends the process: exit code 2 (wrong use or set-up, as opposed to 1 for a finding).
    public static func fail(_ message: String) -> Never {
        printError(message)
        exit(2)
    }

    /// A line on standard error, where the tools report what went wrong (standard output
    /// carries their results).
    public static func printError(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}
