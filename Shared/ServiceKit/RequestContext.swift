import Foundation
import IASAuth
import IASContracts
import IASHTTP
import IASMessaging
import IASRuntime

/// An authenticated request: the verified principal and its parsed organisation.
public struct RequestContext: Sendable {
    public let request: HTTPRequest
    public let principal: Principal
    public let organisation: Organisation

    public var actor: Actor { Actor(subject: principal.subject, organisation: principal.organisation) }

    /// Throws 403 unless the caller may reach a case for which `responsibleOrg` is responsible.
    public func requireCaseAccess(responsibleOrg: String) throws {
        guard AccessPolicy.mayAccessCase(organisation, responsibleOrg: responsibleOrg) else {
            throw Problem.forbidden("your organisation is not responsible for this case")
        }
    }
}

extension ServiceHost {
    public typealias AuthenticatedHandler = @Sendable (RequestContext) throws -> HTTPResponse

    /// Registers a route that only answers requests with a valid bearer token (401 otherwise).
    public func route(_ method: String, _ pattern: String, _ handler: @escaping AuthenticatedHandler) {
        let verifier = self.verifier
        router.add(method, pattern) { request in
            let principal: Principal
            switch verifier.verify(authorizationHeader: request.header("Authorization")) {
            case .success(let p): principal = p
            case .failure(let error): throw Problem.unauthorized(error.description)
            }
            guard let organisation = Organisation(principal.organisation) else {
                throw Problem.unauthorized("the token names an unknown organisation")
            }
            return try handler(RequestContext(request: request, principal: principal, organisation: organisation))
        }
    }
}
