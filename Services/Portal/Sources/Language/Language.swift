import Foundation
import IASRuntime

/// The portal's languages (`Language`, the suite's): how a request chooses one, and their names.
extension Language {
    /// The language a request asks for: `lang` in the query (a link of the language menu),
    /// then the `ias_lang` cookie, then `Accept-Language` by its weights, then German.
    public static func negotiate(query: String?, cookie: String?, acceptLanguage: String?) -> Language {
        if let query, let language = Language(rawValue: query.lowercased()) { return language }
        if let cookie, let language = Language(rawValue: cookie) { return language }
        return acceptLanguage.flatMap(fromAcceptLanguage) ?? fallback
    }

    /// The best supported language of an `Accept-Language` value ("fr-CH, fr;q=0.9, en;q=0.8").
    static func fromAcceptLanguage(_ header: String) -> Language? {
        var best: (language: Language, weight: Double, order: Int)?
        for (order, item) in header.split(separator: ",").enumerated() {
            let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let tag = parts.first, !tag.isEmpty else { continue }
            var weight = 1.0
            for parameter in parts.dropFirst() where parameter.lowercased().hasPrefix("q=") {
                weight = Double(parameter.dropFirst(2)) ?? 0
            }
            let primary = tag.split(separator: "-").first.map { $0.lowercased() } ?? ""
            guard weight > 0, let language = Language(rawValue: primary) else { continue }
            if best == nil || weight > best!.weight { best = (language, weight, order) }
        }
        return best?.language
    }

    /// The language's own name, as the language menu shows it.
    public var ownName: String {
        switch self {
        case .de: "Deutsch"
        case .fr: "Français"
        case .it: "Italiano"
        case .en: "English"
        }
    }
}
