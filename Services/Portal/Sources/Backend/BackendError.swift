import IASHTTP
import IASRuntime

/// What went wrong calling a service, as the pages need it: a refusal with the service's
/// problem (shown to the user, next to the fields it names), or a service out of reach.
public enum BackendError: Error, CustomStringConvertible {
    case refused(ServiceProblem)
    case unreachable(Service, String)
    /// The answer was not what the contract says (not JSON where JSON was due).
    case malformed(Service, String)

    public var description: String {
        switch self {
        case .refused(let problem): "\(problem.service.rawValue) answered \(problem.status): \(problem.detail)"
        case .unreachable(let service, let reason): "\(service.rawValue) cannot be reached: \(reason)"
        case .malformed(let service, let reason): "\(service.rawValue) answered unexpectedly: \(reason)"
        }
    }
}

/// A problem+json answer of a service.
public struct ServiceProblem: Sendable {
    public let service: Service
    public let status: Int
    public let detail: String
    public let errors: [FieldError]
    public let retryAfter: String?
    /// The whole problem document (the candidates of a likely duplicate are in it).
    public let document: JSONValue?

    init(service: Service, status: Int, body: [UInt8], retryAfter: String?) {
        self.service = service
        self.status = status
        self.retryAfter = retryAfter
        let json = try? JSONParser.parse(body)
        document = json
        detail = json?["detail"]?.stringValue ?? ""
        var errors: [FieldError] = []
        if case .array(let items)? = json?["errors"] {
            for item in items {
                if let field = item["field"]?.stringValue, let message = item["message"]?.stringValue {
                    errors.append(FieldError(field: field, message: message))
                }
            }
        }
        self.errors = errors
    }
}
