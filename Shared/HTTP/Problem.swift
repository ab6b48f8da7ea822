import IASRuntime

/// RFC 9457 problem details; thrown by handlers, rendered as application/problem+json.
public struct Problem: Error, Sendable, CustomStringConvertible {
    public let status: Int
    /// "about:blank" or a URI under `Problem.typeBase`.
    public let type: String
    public let title: String
    public let detail: String
    public var errors: [FieldError]
    /// Extra members of the document (for example "candidates"); they never replace the
    /// standard members.
    public var extensions: [String: JSONValue]
    /// Response headers that belong to the problem (WWW-Authenticate, Retry-After).
    public var headers: [(String, String)]

    public init(status: Int, type: String = "about:blank", title: String, detail: String,
                errors: [FieldError] = [], extensions: [String: JSONValue] = [:], headers: [(String, String)] = []) {
        self.status = status
        self.type = type
        self.title = title
        self.detail = detail
        self.errors = errors
        self.extensions = extensions
        self.headers = headers
    }

    public var description: String {
        var text = "\(status) \(title): \(detail)"
        if !errors.isEmpty {
            text += " [" + errors.map { "\($0.field.isEmpty ? "body" : $0.field): \($0.message)" }.joined(separator: "; ") + "]"
        }
        return text
    }

    // MARK: Problem types of this suite

    public static let typeBase = "https://ias.example.ch/problems/"
    public static let validationType = typeBase + "validation"
    public static let invalidJSONType = typeBase + "invalid-json"

    // MARK: Common problems

    /// A problem of type about:blank, whose title is the status text (RFC 9457 §4.2.1).
    public static func status(_ status: Int, _ detail: String, headers: [(String, String)] = []) -> Problem {
        Problem(status: status, title: HTTPStatus.reasonPhrase(status), detail: detail, headers: headers)
    }

    public static func badRequest(_ detail: String, errors: [FieldError] = []) -> Problem {
        Problem(status: 400, title: HTTPStatus.reasonPhrase(400), detail: detail, errors: errors)
    }

    /// The one way a handler refuses a request whose fields are invalid: throws the
    /// validation problem when `errors` is not empty.
    public static func throwIfInvalid(_ errors: [FieldError]) throws {
        guard errors.isEmpty else { throw validation(errors) }
    }

    public static func validation(_ errors: [FieldError]) -> Problem {
        let fields = errors.map { $0.field.isEmpty ? "body" : $0.field }
        let detail: String
        switch errors.count {
        case 0: detail = "The request is invalid."
        case 1: detail = "The field \(fields[0]) is invalid: \(errors[0].message)."
        default: detail = "\(errors.count) fields are invalid: \(fields.joined(separator: ", "))."
        }
        return Problem(status: 400, type: validationType, title: "The request is invalid", detail: detail, errors: errors)
    }

    public static func notFound(_ detail: String) -> Problem { status(404, detail) }

    public static func conflict(_ detail: String, extensions: [String: JSONValue] = [:]) -> Problem {
        Problem(status: 409, title: HTTPStatus.reasonPhrase(409), detail: detail, extensions: extensions)
    }

    public static func unprocessable(_ detail: String, errors: [FieldError] = []) -> Problem {
        Problem(status: 422, title: HTTPStatus.reasonPhrase(422), detail: detail, errors: errors)
    }

    public static func unauthorized(_ detail: String) -> Problem {
        status(401, detail, headers: [("WWW-Authenticate", "Bearer")])
    }

    public static func forbidden(_ detail: String) -> Problem { status(403, detail) }

    public static func unavailable(_ detail: String, retryAfterSeconds: Int = 1) -> Problem {
        status(503, detail, headers: [("Retry-After", String(max(0, retryAfterSeconds)))])
    }

    // MARK: Rendering

    /// The problem document; `requestId` becomes a member so that a caller can quote it.
    public func response(requestId: String?) -> HTTPResponse {
        var members = extensions
        members["type"] = .string(type)
        members["title"] = .string(title)
        members["status"] = .number(Double(status))
        members["detail"] = .string(detail)
        if !errors.isEmpty {
            members["errors"] = .array(errors.map { .object(["field": .string($0.field), "message": .string($0.message)]) })
        } else {
            members["errors"] = nil
        }
        if let requestId { members["requestId"] = .string(requestId) } else { members["requestId"] = nil }
        // Encoding a JSONValue cannot fail except for non-finite numbers in extensions.
        let body = (try? JSONCoding.encode(JSONValue.object(members)))
            ?? Array("{\"status\":\(status),\"title\":\"\(HTTPStatus.reasonPhrase(status))\"}".utf8)
        var response = HTTPResponse(status: status, headers: HTTPHeaders([("Content-Type", "application/problem+json")]), body: body)
        for (name, value) in headers { response.headers.add(name, value) }
        return response
    }
}
