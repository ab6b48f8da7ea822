import IASRuntime
import XCTest

/// The tools' command line: values, switches, the names a command knows, help and numbers.
final class CommandLineOptionsTests: XCTestCase {
    private func failure(_ arguments: [String], flags: Set<String> = [], known: Set<String>? = nil) -> String? {
        do {
            _ = try CommandLineOptions.parsing(arguments, flags: flags, known: known)
            return nil
        } catch {
            return "\(error)"
        }
    }

    func testValuesAndSwitches() throws {
        let options = try CommandLineOptions.parsing(["--topic", "a.dlq", "--dry-run", "--limit", "3"], flags: ["dry-run"])
        XCTAssertEqual(options["topic"], "a.dlq")
        XCTAssertTrue(options.flag("dry-run"))
        XCTAssertFalse(options.flag("include-replayed"))
        XCTAssertEqual(try options.integer("limit", default: nil, minimum: 1), 3)
        XCTAssertNil(try options.integer("absent", default: nil, minimum: 1))
        XCTAssertFalse(options.helpRequested)
    }

    func testWrongCommandLinesAreNamed() {
        XCTAssertEqual(failure(["topic"]), "expected --name value or --flag, got topic")
        XCTAssertEqual(failure(["--topic"]), "--topic needs a value")
        XCTAssertEqual(failure(["--force"], known: ["samples"]), "unknown argument --force")
        XCTAssertEqual(failure(["extra"], known: []), "unknown argument extra")
        XCTAssertNil(failure(["--anything", "x"]), "without a list of known names every --name value is taken")
    }

    func testNumbersOutsideTheirBoundsAreRefused() throws {
        let options = try CommandLineOptions.parsing(["--batch", "0", "--samples", "x"], flags: [])
        XCTAssertThrowsError(try options.integer("batch", default: 200, minimum: 1, maximum: 10_000)) {
            XCTAssertEqual("\($0)", "--batch must be a whole number in 1...10000, got 0")
        }
        XCTAssertThrowsError(try options.integer("samples", default: 5, minimum: 0)) {
            XCTAssertEqual("\($0)", "--samples must be a whole number of at least 0, got x")
        }
    }

    func testHelpEndsTheParseWhereAnOptionIsExpected() throws {
        XCTAssertTrue(try CommandLineOptions.parsing(["--org", "x", "-h", "--bogus"], flags: [], known: ["org"], help: true).helpRequested)
        let valued = try CommandLineOptions.parsing(["--org", "help"], flags: [], known: ["org"], help: true)
        XCTAssertFalse(valued.helpRequested, "a value that reads like help is a value")
        XCTAssertEqual(valued["org"], "help")
        XCTAssertEqual(failure(["--help"], known: []), "unknown argument --help", "without `help`, help is no option")
    }
}
