import IASContracts
import IASHTTP

/// What an authenticated route declares: where it is and the permission it needs.
struct RouteDeclaration: Sendable {
    let method: String
    let pattern: String
    let permission: Permission
}

/// A request of an authenticated route on its way through `ServiceHost.routePipeline`.
struct RouteCall {
    let request: HTTPRequest
    let route: RouteDeclaration
    /// Set by `Authentication`, the first step; every later step and the handler rely on it.
    var context: RequestContext?

    /// The authenticated context; a pipeline without `Authentication` first is a programming error.
    var authenticated: RequestContext {
        guard let context else { preconditionFailure("\(route.method) \(route.pattern): Authentication must run first") }
        return context
    }
}

/// One step of the pipeline of authenticated routes.
protocol RouteMiddleware: Middleware where Input == RouteCall {}

extension Array where Element == any Middleware<RouteCall> {
    /// The chain, then the handler with the authenticated context.
    func respond(to call: RouteCall, handler: (RequestContext) throws -> HTTPResponse) throws -> HTTPResponse {
        // The edge: a business rule's refusal becomes its problem here, inside the audit step.
        try respond(to: call) { (call: RouteCall) in
            do { return try handler(call.authenticated) } catch let refusal as Refusal { throw refusal.problem }
        }
    }
}
