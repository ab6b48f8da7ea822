import Foundation
import IASAuth
import IASContracts
import IASHTTP
import IASMessaging
import IASRuntime

extension ServiceHost {
    public typealias AuthenticatedHandler = @Sendable (RequestContext) throws -> HTTPResponse

    /// Registers a route that answers only authenticated callers, in this order:
    ///
    /// 1. the bearer token (401 when missing or not valid);
    /// 2. the route's `permission` against the caller's roles and organisation (`AccessPolicy`,
    ///    403 with the reason), before the body is even read;
    /// 3. the handler, which narrows to the cases the caller reaches and declares what it
    ///    disclosed (`RequestContext.requireCaseAccess`, `disclose`, `recordFilter`);
    /// 4. for permissions on personal data, the audit record of the answer, granted or refused,
    ///    written before the answer leaves; if it cannot be written the request fails with 503
    ///    rather than disclosing data unaudited.
    ///
    /// `maxBodyBytes` raises (or lowers) the body limit for this route only.
    public func route(_ method: String, _ pattern: String, _ permission: Permission, maxBodyBytes: Int? = nil,
                      _ handler: @escaping AuthenticatedHandler) {
        let verifier = self.verifier
        routePermissions.withLock { $0["\(method.uppercased()) \(pattern)"] = permission.rawValue }
        let audited = Self.touchesPersonalData(permission)
        router.add(method, pattern, maxBodyBytes: maxBodyBytes) { [self] request in
            let principal: Principal
            switch verifier.verify(authorizationHeader: request.header("Authorization")) {
            case .success(let p): principal = p
            case .failure(let error): throw Problem.unauthorized(error.description)
            }
            guard let organisation = Organisation(principal.organisation) else {
                throw Problem.unauthorized("the token names an unknown organisation")
            }
            let context = RequestContext(request: request, principal: principal,
                                         caller: Caller(organisation: organisation, roleNames: principal.roles))
            do {
                if let refusal = AccessPolicy.refusal(of: permission, by: context.caller) { throw Problem.forbidden(refusal) }
                let response = try handler(context)
                if audited { try recordAccess(context, pattern: pattern, status: response.status) }
                return response
            } catch let problem as Problem {
                if audited { try recordAccess(context, pattern: pattern, status: problem.status) }
                throw problem
            }
        }
    }

    /// Reference data and the anonymous indicators hold no personal data: not audited.
    static func touchesPersonalData(_ permission: Permission) -> Bool {
        switch permission {
        case .readReference, .readIndicators: return false
        case .readCases, .writeCases, .decideCosts, .readAuditTrail: return true
        }
    }

    /// Writes the audit record through the outbox before the answer leaves. Records of
    /// concurrent requests are committed together (see `auditTrail`). The case and person come
    /// from what the handler declared, else from the path.
    func recordAccess(_ context: RequestContext, pattern: String, status: Int) throws {
        let request = context.request
        let declared = context.disclosures.records
        let caseId = declared.lazy.compactMap(\.caseId).first ?? request.pathParameters["caseId"].flatMap(Identifier.init)
        let personId = declared.lazy.compactMap(\.personId).first ?? request.pathParameters["personId"].flatMap(Identifier.init)
        // One record is fully named by caseId and personId; a list names all it returned.
        let named = declared.count == 1 && declared[0].caseId == caseId && declared[0].personId == personId
        let record = PersonalDataAccessed(
            service: configuration.serviceName, subject: context.principal.subject, organisation: context.principal.organisation,
            roles: context.principal.roles.sorted(), action: ["GET", "HEAD"].contains(request.method) ? .read : .write,
            method: request.method, route: pattern, caseId: caseId, personId: personId, status: status,
            requestId: request.requestId, at: Date(),
            disclosed: declared.isEmpty || named ? nil : declared, query: context.disclosures.query)
        let envelope = try EventEnvelope(record, subject: caseId?.description ?? personId?.description ?? "none",
                                         actor: context.actor, correlationid: correlationId(for: request))
        try auditTrail.submit(envelope)
    }
}
