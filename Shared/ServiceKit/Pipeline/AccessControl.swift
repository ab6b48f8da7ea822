import IASContracts
import IASHTTP

/// The route's permission against the caller's roles and organisation (`AccessPolicy`), before
/// the handler runs or the body is decoded: 403 with the reason. The handler then narrows to
/// the cases the caller reaches.
struct AccessControl: RouteMiddleware {
    func respond(to call: RouteCall, next: (RouteCall) throws -> HTTPResponse) throws -> HTTPResponse {
        if let refusal = AccessPolicy.refusal(of: call.route.permission, by: call.authenticated.caller) {
            throw Problem.forbidden(refusal)
        }
        return try next(call)
    }
}
