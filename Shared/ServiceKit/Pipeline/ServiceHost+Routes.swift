import Foundation
import IASContracts
import IASHTTP
import IASRuntime

extension ServiceHost {
    public typealias AuthenticatedHandler = @Sendable (RequestContext) throws -> HTTPResponse

    /// The steps every authenticated request passes, in this order, inside the server's own
    /// (`RequestLog`: metrics and the request log of every answer; `ProblemResponses`: what a
    /// step or handler throws becomes problem+json, see `ServiceHost.mapError`):
    ///
    /// 1. `Authentication`: the bearer token becomes the caller (401);
    /// 2. `AuditRecording`: the audit record of the answer, granted or refused;
    /// 3. `AccessControl`: the route's permission against the caller (403), before the body is read;
    /// 4. `AwaitedEvents`: with `IAS-Await-Event`, until the service has the named events (503
    ///    after `IAS_AWAIT_EVENT_SECONDS`, 400 for a malformed value);
    /// 5. the handler, which narrows to the cases the caller reaches and declares what it
    ///    disclosed (`RequestContext.requireCaseAccess`, `disclose`, `recordFilter`).
    var routePipeline: [any Middleware<RouteCall>] {
        [Authentication(verifier: verifier), AuditRecording(host: self), AccessControl(), AwaitedEvents(host: self)]
    }

    /// Registers a route that answers authenticated callers holding `permission`.
    /// `body` replaces the server's body limits for this route only (`.limit(bytes)`; for
    /// uploads also slots and a longer time to arrive, see `BodyPolicy`).
    public func route(_ method: String, _ pattern: String, _ permission: Permission, body: BodyPolicy = .standard,
                      _ handler: @escaping AuthenticatedHandler) {
        let declaration = RouteDeclaration(method: method.uppercased(), pattern: pattern, permission: permission)
        routePermissions.withLock { $0["\(declaration.method) \(pattern)"] = permission.rawValue }
        let pipeline = routePipeline
        var body = body
        if body.slots != nil && body.admit == nil {
            // An upload route: only a caller with a valid token may wait for a slot and send its body.
            body.admit = { [verifier] headers in
                if case .failure(let error) = verifier.verify(authorizationHeader: headers["Authorization"]) {
                    return Problem.unauthorized(error.description)
                }
                return nil
            }
        }
        router.add(method, pattern, body: body) { request in
            try pipeline.respond(to: RouteCall(request: request, route: declaration), handler: handler)
        }
    }
}
