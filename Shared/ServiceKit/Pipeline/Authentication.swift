import IASAuth
import IASContracts
import IASHTTP
import IASRuntime

/// The bearer token, verified (401 when missing or not valid), becomes the request's context.
struct Authentication: RouteMiddleware {
    let verifier: JWTVerifier

    func respond(to call: RouteCall, next: (RouteCall) throws -> HTTPResponse) throws -> HTTPResponse {
        let principal: Principal
        switch verifier.verify(authorizationHeader: call.request.header("Authorization")) {
        case .success(let p): principal = p
        case .failure(let error): throw Problem.unauthorized(error.description)
        }
        guard let organisation = Organisation(principal.organisation) else {
            throw Problem.unauthorized("the token names an unknown organisation")
        }
        var call = call
        call.context = RequestContext(request: call.request, principal: principal,
                                      caller: Caller(organisation: organisation, roleNames: principal.roles),
                                      permission: call.route.permission)
        return try next(call)
    }
}
