import Foundation

/// Texts in the suite's languages, one table per language (key → text; `{name}` marks a value
/// put in), all with the same keys (each user's unit test compares them). A key missing in one
/// language falls back to German, then to the key itself, so that a gap shows as a visible key
/// instead of an empty text.
public struct TextCatalogue: Sendable {
    private let tables: [Language: [String: String]]

    public init(tables: [Language: [String: String]]) { self.tables = tables }

    /// The tables `<directory>/<language>.json` shipped in `bundle`; `what` names them in an error.
    public static func load(from bundle: Bundle, directory: String, what: String) throws -> TextCatalogue {
        var tables: [Language: [String: String]] = [:]
        for language in Language.allCases {
            guard let url = bundle.url(forResource: language.rawValue, withExtension: "json", subdirectory: directory) else {
                throw TextCatalogueError("the texts of \(what) (\(directory)/\(language.rawValue).json) are missing from the installation")
            }
            guard let table = try? JSONCoding.decode([String: String].self, from: [UInt8](Data(contentsOf: url))) else {
                throw TextCatalogueError("\(directory)/\(language.rawValue).json must be one object of texts")
            }
            tables[language] = table
        }
        return TextCatalogue(tables: tables)
    }

    public func keys(of language: Language) -> Set<String> { Set(tables[language]?.keys ?? [:].keys) }

    public func has(_ key: String, in language: Language) -> Bool { tables[language]?[key] != nil }

    public func text(_ key: String, _ language: Language, _ values: [String: String] = [:]) -> String {
        let template = optionalText(key, language) ?? key
        return values.isEmpty ? template : Self.fill(template, values)
    }

    /// The text of `key` when the catalogue has one, else nil (a code without a translation is
    /// then shown as it is).
    public func optionalText(_ key: String, _ language: Language) -> String? {
        tables[language]?[key] ?? tables[.fallback]?[key]
    }

    /// `{name}` replaced by its value in one pass; a name without a value stays as it is.
    public static func fill(_ template: String, _ values: [String: String]) -> String {
        var out = ""
        var rest = template[...]
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            out += rest[..<open]
            let name = String(rest[rest.index(after: open)..<close])
            out += values[name] ?? String(rest[open...close])
            rest = rest[rest.index(after: close)...]
        }
        return out + rest
    }
}

public struct TextCatalogueError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
