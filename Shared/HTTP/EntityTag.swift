/// An entity tag (RFC 9110 §8.8.3), `"opaque"` or weak `W/"opaque"`, and its two comparisons:
/// strong (both strong, same opaque) for If-Range, weak (same opaque) for If-None-Match.
public struct EntityTag: Sendable, Equatable {
    /// Between the quotes.
    public let opaque: String
    public let isWeak: Bool

    /// A tag over `opaque`, such as a content hash; characters a tag cannot hold (quotes,
    /// spaces, controls) are left out, so that no stored value can break the header.
    public init(_ opaque: String, weak: Bool = false) {
        self.opaque = String(decoding: opaque.utf8.filter(Self.isTagByte), as: UTF8.self)
        isWeak = weak
    }

    /// `"x"` or `W/"x"` as sent; nil for anything else (a date in If-Range, an unquoted word).
    public init?(parsing text: String) {
        var rest = Substring(text.trimmingSpaces())
        let weak = rest.hasPrefix("W/")
        if weak { rest = rest.dropFirst(2) }
        guard rest.count >= 2, rest.first == "\"", rest.last == "\"" else { return nil }
        let opaque = rest.dropFirst().dropLast()
        guard opaque.utf8.allSatisfy(Self.isTagByte) else { return nil }
        self.opaque = String(opaque)
        isWeak = weak
    }

    /// The header value.
    public var headerValue: String { (isWeak ? "W/\"" : "\"") + opaque + "\"" }

    public func strongMatches(_ other: EntityTag) -> Bool { !isWeak && !other.isWeak && opaque == other.opaque }

    public func weakMatches(_ other: EntityTag) -> Bool { opaque == other.opaque }

    /// True when an If-None-Match value names `current`: `*`, or a list holding a tag that
    /// weakly matches. A malformed list names nothing (the condition is ignored).
    public static func noneMatchNames(_ header: String, current: EntityTag) -> Bool {
        let value = header.trimmingSpaces()
        if value == "*" { return true }
        return list(value)?.contains { $0.weakMatches(current) } ?? false
    }

    /// True when an If-Match value names `current`: `*`, or a tag with the same opaque part.
    /// Versions are compared weakly and may come bare (`"3"`, `W/"3"` and `3` name the same
    /// version): clients copy them in all three forms, and a version names one state either way.
    public static func matchNames(_ header: String, current: EntityTag) -> Bool {
        header.split(separator: ",").contains { member in
            let value = member.trimmingSpaces()
            if value == "*" { return true }
            let tag = EntityTag(parsing: value) ?? (value.contains("\"") ? nil : EntityTag(parsing: "\"\(value)\""))
            return tag?.weakMatches(current) ?? false
        }
    }

    /// The tags of a comma-separated list; commas may occur inside the quotes.
    static func list(_ text: String) -> [EntityTag]? {
        var tags: [EntityTag] = []
        var rest = Substring(text)
        while true {
            rest = rest.drop { $0 == " " || $0 == "\t" || $0 == "," }
            if rest.isEmpty { return tags }
            var prefix = ""
            if rest.hasPrefix("W/") {
                prefix = "W/"
                rest = rest.dropFirst(2)
            }
            guard rest.first == "\"", let close = rest.dropFirst().firstIndex(of: "\"") else { return nil }
            guard let tag = EntityTag(parsing: prefix + String(rest[...close])) else { return nil }
            tags.append(tag)
            rest = rest[rest.index(after: close)...]
            rest = rest.drop { $0 == " " || $0 == "\t" }
            guard rest.isEmpty || rest.first == "," else { return nil }
        }
    }

    /// etagc: visible ASCII but the quote, and obs-text.
    private static func isTagByte(_ byte: UInt8) -> Bool { byte == 0x21 || (byte >= 0x23 && byte != 0x7F) }
}
