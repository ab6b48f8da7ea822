import Foundation
import IASRuntime

/// Turns a request body into a Decodable value, and every way that can fail into a problem
/// that names the field and says what is wrong in words a person understands.
enum JSONBodyDecoder {
    static let maxDepth = 32

    /// application/json or any +json type; a charset other than UTF-8 is refused (RFC 8259 §8.1).
    static func checkContentType(_ contentType: String?) throws {
        let unsupported = Problem.status(415, "The request body must be JSON, sent with Content-Type: application/json.")
        guard let contentType else { throw unsupported }
        let parts = contentType.split(separator: ";")
        let mediaType = (parts.first.map { $0.trimmingSpaces() } ?? "").lowercased()
        guard mediaType == "application/json" || (mediaType.hasPrefix("application/") && mediaType.hasSuffix("+json")) else {
            throw unsupported
        }
        for parameter in parts.dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingSpaces() }
            guard pair.count == 2, pair[0].lowercased() == "charset" else { continue }
            let charset = pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\"")).lowercased()
            guard charset == "utf-8" || charset == "utf8" else {
                throw Problem.status(415, "The request body must be encoded as UTF-8, not \(charset.prefix(30)).")
            }
        }
    }

    static func decode<T: Decodable>(_ type: T.Type, from body: [UInt8]) throws -> T {
        var bytes = body[...]
        // A byte order mark is tolerated (RFC 8259 §8.1) but not passed on.
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        guard !bytes.isEmpty else {
            throw invalidJSON("The request body is empty; a JSON document is expected.", field: "", message: "is empty; a JSON document is expected")
        }
        var syntax = JSONSyntaxChecker(bytes: bytes, maxDepth: maxDepth)
        let failure = syntax.check()
        // The checker locates bad UTF-8 inside strings; elsewhere (a UTF-16 body, binary
        // noise) the body as a whole is the culprit.
        if let failure, failure.kind == .encoding {
            throw invalidJSON("The request body is not valid UTF-8 text: \(failure.message).", field: failure.path,
                              message: "is not valid UTF-8 text: \(failure.message)")
        }
        if String(validating: bytes, as: UTF8.self) == nil {
            throw invalidJSON("The request body is not valid UTF-8 text.", field: "", message: "is not valid UTF-8 text")
        }
        if let failure {
            throw invalidJSON("The request body is not valid JSON: \(failure.message).", field: failure.path, message: failure.message)
        }
        if let unacceptable = syntax.unacceptable {
            throw Problem.validation([unacceptable])
        }
        do {
            return try JSONCoding.decoder.decode(T.self, from: Data(bytes))
        } catch let problem as Problem {
            throw problem
        } catch let error as DecodingError {
            throw Problem.validation([fieldError(error, unfittingNumbers: syntax.unfittingNumbers)])
        } catch {
            throw Problem.validation([FieldError(field: "", message: String(describing: error))])
        }
    }

    private static func invalidJSON(_ detail: String, field: String, message: String) -> Problem {
        Problem(status: 400, type: Problem.invalidJSONType, title: "The request body is not valid JSON",
                detail: detail, errors: [FieldError(field: field, message: message)])
    }

    static func fieldError(_ error: DecodingError, unfittingNumbers: [String]) -> FieldError {
        switch error {
        case .keyNotFound(let key, let context):
            return FieldError(field: path(context.codingPath + [key]), message: "is required")
        case .valueNotFound(_, let context):
            return FieldError(field: path(context.codingPath), message: "must not be null")
        case .typeMismatch(let type, let context):
            return FieldError(field: path(context.codingPath), message: "must be \(describe(type))")
        case .dataCorrupted(let context) where !context.codingPath.isEmpty:
            let text = context.debugDescription
            // Foundation's text for an unknown enum case names Swift types; say it plainly.
            let message = text.hasPrefix("Cannot initialize") ? "is not one of the allowed values" : text
            return FieldError(field: path(context.codingPath), message: message)
        case .dataCorrupted:
            // The syntax was checked, so this is a number that does not fit its field; the
            // decoder does not say where, the syntax checker knows the suspects.
            if unfittingNumbers.count == 1 {
                return FieldError(field: unfittingNumbers[0], message: "must be a whole number within the allowed range")
            }
            return FieldError(field: "", message: "a number does not fit its field (a fraction where a whole number is expected, or a number out of range)")
        @unknown default:
            return FieldError(field: "", message: String(describing: error))
        }
    }

    /// "address.street", "languages[1]"; the body itself is "".
    static func path(_ keys: [any CodingKey]) -> String {
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

    static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type, is Substring.Type, is Character.Type: return "a string"
        case is Bool.Type: return "true or false"
        case is Int.Type, is Int8.Type, is Int16.Type, is Int32.Type, is Int64.Type,
             is UInt.Type, is UInt8.Type, is UInt16.Type, is UInt32.Type, is UInt64.Type: return "a whole number"
        case is Double.Type, is Float.Type, is Decimal.Type: return "a number"
        case is Date.Type: return "a timestamp string such as 2024-05-01T12:00:00Z"
        default:
            let name = String(describing: type)
            if name.hasPrefix("Array<") || name.hasPrefix("Set<") { return "an array" }
            if name.hasPrefix("Dictionary<") { return "an object" }
            return "a value of another type"
        }
    }
}
