/// The languages in which the suite speaks to people (the portal, the digest mail): German
/// by default, French, Italian and English.
public enum Language: String, CaseIterable, Sendable {
    case de, fr, it, en

    public static let fallback = Language.de
}
