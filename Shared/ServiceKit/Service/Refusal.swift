import IASHTTP
import IASRuntime

/// What a business rule answers when it refuses, in the domain's words; the request pipeline
/// turns it into a problem at the edge (400, 403, 404, 409, 410, 422, 428). Stores, writers and handlers throw
/// it inside their transactions; only request decoding and validation before the transaction
/// speak HTTP (`Problem`).
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
    /// Fields found invalid only against what is stored (a date before the stored birth date):
    /// the same answer as the request's own validation (400), given inside the transaction.
    case invalid([FieldError])
    /// The change needs the version the caller read (`If-Match`) and the request names none (428).
    case versionRequired(String)

    /// `invalid` when `errors` names any field.
    public static func throwIfInvalid(_ errors: [FieldError]) throws {
        guard errors.isEmpty else { throw Refusal.invalid(errors) }
    }

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
        case .invalid(let fields): return Problem.validation(fields)
        case .versionRequired(let detail): return Problem.status(428, detail)
        }
    }
}
