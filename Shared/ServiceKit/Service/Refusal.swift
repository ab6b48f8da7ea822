import IASHTTP
import IASRuntime

/// What a business rule answers when it refuses, in the domain's words; the request pipeline
/// turns it into a problem at the edge (404, 403, 409, 422). Stores, writers and handlers throw
/// it inside their transactions; only request decoding and validation speak HTTP (`Problem`).
public enum Refusal: Error, Sendable {
    /// The thing named does not exist (for this caller).
    case notFound(String)
    /// The caller may not do this.
    case forbidden(String)
    /// The state of things forbids it now (already done, closed, stale version).
    case conflict(String, details: [String: JSONValue] = [:])
    /// The thing was there and is no longer (withdrawn, erased).
    case gone(String)
    /// Well-formed but against a rule; `fields` name the fields concerned.
    case breaksRule(String, fields: [FieldError] = [], details: [String: JSONValue] = [:])

    /// The problem document the caller gets.
    public var problem: Problem {
        switch self {
        case .notFound(let detail): return Problem.notFound(detail)
        case .forbidden(let detail): return Problem.forbidden(detail)
        case .conflict(let detail, let details): return Problem.conflict(detail, extensions: details)
        case .gone(let detail): return Problem.status(410, detail)
        case .breaksRule(let detail, let fields, let details):
            var problem = Problem.unprocessable(detail, errors: fields)
            problem.extensions = details
            return problem
        }
    }
}
