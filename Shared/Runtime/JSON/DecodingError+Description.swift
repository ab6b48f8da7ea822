import Foundation

/// The one description of a decoding error, for whoever sent the document: the JSON path of
/// the value and what is wrong with it, never the value itself (it may be personal data).
extension DecodingError {
    /// "address.street", "languages[1]"; "" for the document itself.
    public var field: String {
        switch self {
        case .keyNotFound(let key, let context): Self.path(context.codingPath + [key])
        case .valueNotFound(_, let context), .typeMismatch(_, let context), .dataCorrupted(let context): Self.path(context.codingPath)
        @unknown default: ""
        }
    }

    /// "is required", "must not be null", "must be a whole number", …
    public var reason: String {
        switch self {
        case .keyNotFound: return "is required"
        case .valueNotFound: return "must not be null"
        case .typeMismatch(let type, _): return "must be " + Self.describe(type)
        case .dataCorrupted(let context):
            // The standard library's words for an unknown enum case name Swift types and echo the value.
            return context.debugDescription.hasPrefix("Cannot initialize") ? "is not one of the allowed values" : context.debugDescription
        @unknown default: return "is not valid"
        }
    }

    /// "address.street: is required"; only the reason for the document itself.
    public var explanation: String { field.isEmpty ? reason : "\(field): \(reason)" }

    /// "address.street", "languages[1]"; "" for no keys.
    public static func path(_ keys: [any CodingKey]) -> String {
        var text = ""
        for key in keys {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += text.isEmpty ? key.stringValue : "." + key.stringValue
            }
        }
        return text
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type, is Substring.Type, is Character.Type: return "a string"
        case is Bool.Type: return "true or false"
        case is any FixedWidthInteger.Type: return "a whole number"
        case is any BinaryFloatingPoint.Type, is Decimal.Type: return "a number"
        case is Date.Type: return "a timestamp string such as 2024-05-01T12:00:00Z"
        default:
            let name = String(describing: type)
            if name.hasPrefix("Array<") || name.hasPrefix("Set<") { return "an array" }
            if name.hasPrefix("Dictionary<") { return "an object" }
            return "a value of another type"
        }
    }
}
