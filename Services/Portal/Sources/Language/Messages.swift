import Foundation
import IASRuntime

/// The portal's texts in its four languages, from `Messages/<language>.json` (key → text;
/// `{name}` marks a value put in). One catalogue per language, all with the same keys (a unit
/// test compares them); a key missing in one falls back to German, then to the key itself,
/// so that a gap shows as a visible key instead of an empty label.
public struct Messages: Sendable {
    private let catalogues: [Language: [String: String]]

    public init(catalogues: [Language: [String: String]]) { self.catalogues = catalogues }

    /// The catalogues shipped with the portal.
    public static func bundled() throws -> Messages {
        var catalogues: [Language: [String: String]] = [:]
        for language in Language.allCases {
            guard let url = Bundle.module.url(forResource: language.rawValue, withExtension: "json", subdirectory: "Messages") else {
                throw PortalSetupError("the texts of the portal (Messages/\(language.rawValue).json) are missing from the installation")
            }
            let data = try Data(contentsOf: url)
            guard let table = try? JSONCoding.decode([String: String].self, from: [UInt8](data)) else {
                throw PortalSetupError("Messages/\(language.rawValue).json must be one object of texts")
            }
            catalogues[language] = table
        }
        return Messages(catalogues: catalogues)
    }

    public func keys(of language: Language) -> Set<String> { Set(catalogues[language]?.keys ?? [:].keys) }

    public func has(_ key: String, in language: Language) -> Bool { catalogues[language]?[key] != nil }

    public func text(_ key: String, _ language: Language, _ values: [String: String] = [:]) -> String {
        let template = catalogues[language]?[key] ?? catalogues[.fallback]?[key] ?? key
        return values.isEmpty ? template : Self.fill(template, values)
    }

    /// `{name}` replaced by its value in one pass; a name without a value stays as it is.
    static func fill(_ template: String, _ values: [String: String]) -> String {
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

    /// The text of `key` when the catalogue has one, else nil (a code without a translation
    /// is then shown as it is).
    public func optionalText(_ key: String, _ language: Language) -> String? {
        catalogues[language]?[key] ?? catalogues[.fallback]?[key]
    }
}

public struct PortalSetupError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
