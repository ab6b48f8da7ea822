import Foundation
import IASRuntime

/// Turns a request body into a Decodable value, and every way that can fail into a problem
/// that names the field and says what is wrong in words a person understands.
enum JSONBodyDecoder {
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
        let document: JSONValue
        do {
            document = try JSONParser.parse(bytes, limits: .request)
        } catch let failure as JSONParser.Failure {
            throw problem(failure, body: bytes)
        }
        do {
            return try document.decode(T.self)
        } catch let error as DecodingError {
            throw Problem.validation([FieldError(error, within: [])])
        } catch let problem as Problem {
            throw problem
        } catch {
            throw Problem.validation([FieldError(field: "", message: String(describing: error))])
        }
    }

    /// The parser locates bad UTF-8 inside strings; elsewhere (a UTF-16 body, binary noise)
    /// the body as a whole is the culprit.
    private static func problem(_ failure: JSONParser.Failure, body: ArraySlice<UInt8>) -> Problem {
        if failure.kind == .encoding {
            return invalidJSON("The request body is not valid UTF-8 text: \(failure.message).", field: failure.path,
                               message: "is not valid UTF-8 text: \(failure.message)")
        }
        if String(validating: body, as: UTF8.self) == nil {
            return invalidJSON("The request body is not valid UTF-8 text.", field: "", message: "is not valid UTF-8 text")
        }
        if failure.kind == .unacceptable {
            return Problem.validation([FieldError(field: failure.path, message: failure.reason)])
        }
        return invalidJSON("The request body is not valid JSON: \(failure.message).", field: failure.path, message: failure.message)
    }

    private static func invalidJSON(_ detail: String, field: String, message: String) -> Problem {
        Problem(status: 400, type: Problem.invalidJSONType, title: "The request body is not valid JSON",
                detail: detail, errors: [FieldError(field: field, message: message)])
    }
}
