import Foundation

extension Migrator {
    /// Loads the files named `NNNN_some_name.sql` in `directory`, sorted by number. Hidden
    /// files and files not ending in `.sql` are ignored; a badly named `.sql` file or two
    /// files with the same number are errors.
    public static func load(directory: URL) throws -> [Migration] {
        let files: [String]
        do {
            files = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        } catch {
            throw MigrationError("cannot list the migrations directory \(directory.path); check that it exists and is bundled with the service")
        }
        var fileForVersion: [Int: String] = [:]
        var migrations: [Migration] = []
        for file in files.sorted() where !file.hasPrefix(".") && file.hasSuffix(".sql") {
            guard let (version, name) = parse(fileName: file) else {
                throw MigrationError(
                    "\"\(file)\" in \(directory.path) is not named NNNN_some_name.sql (a number from 1, an underscore, then letters, digits, _ or -); rename it")
            }
            if let other = fileForVersion[version] {
                throw MigrationError("\"\(other)\" and \"\(file)\" in \(directory.path) both have version \(version); give one the next free number")
            }
            fileForVersion[version] = file
            let sql: String
            do {
                sql = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            } catch {
                throw MigrationError("cannot read \(file) in \(directory.path) as UTF-8 text; check the file")
            }
            migrations.append(Migration(version: version, name: name, sql: sql))
        }
        return migrations.sorted { $0.version < $1.version }
    }

    /// "0003_add_index.sql" -> (3, "add_index")
    static func parse(fileName: String) -> (Int, String)? {
        let stem = fileName.dropLast(".sql".count)
        guard let underscore = stem.firstIndex(of: "_") else { return nil }
        let number = stem[..<underscore]
        let name = stem[stem.index(after: underscore)...]
        guard !number.isEmpty, number.allSatisfy(\.isASCII), number.allSatisfy(\.isNumber),
              let version = Int(number), version > 0, !name.isEmpty,
              name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }) else { return nil }
        return (version, String(name))
    }
}
