import Foundation

/// What a text field of a request must be, the same in every service: something written (not
/// empty, not only white space) and at most `max` characters. Each caller says its own message.
public enum TextRules {
    public static func isText(_ text: String, max: Int) -> Bool {
        text.count <= max && !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
    }

    /// A text shown on one line in lists and logs (names, references): no control characters either.
    public static func isLine(_ text: String, max: Int) -> Bool {
        isText(text, max: max) && !text.unicodeScalars.contains { $0.properties.generalCategory == .control }
    }
}
