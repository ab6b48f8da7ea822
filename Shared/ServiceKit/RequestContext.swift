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

    /// Whether a route touches personal data (and is therefore audited).
    public enum AuditPolicy: Sendable { case personalData, none }

    /// Registers a route that only answers requests with a valid bearer token (401 otherwise).
    /// Unless `audit` is `.none` (reference data such as catalogues), every answer — granted or
    /// refused — is recorded in the audit trail before it is sent; if the record cannot be
    /// written the request fails with 503 rather than disclosing data unaudited.
    /// `maxBodyBytes` raises (or lowers) the body limit for this route only.
    public func route(_ method: String, _ pattern: String, audit: AuditPolicy = .personalData, maxBodyBytes: Int? = nil,
                      _ handler: @escaping AuthenticatedHandler) {
        let verifier = self.verifier
        router.add(method, pattern, maxBodyBytes: maxBodyBytes) { [self] request in
            let principal: Principal
            switch verifier.verify(authorizationHeader: request.header("Authorization")) {
            case .success(let p): principal = p
            case .failure(let error): throw Problem.unauthorized(error.description)
            }
            guard let organisation = Organisation(principal.organisation) else {
                throw Problem.unauthorized("the token names an unknown organisation")
            }
            let context = RequestContext(request: request, principal: principal, organisation: organisation)
            guard audit == .personalData else { return try handler(context) }
            do {
                let response = try handler(context)
                try recordAccess(context, pattern: pattern, status: response.status, body: response.body)
                return response
            } catch let problem as Problem {
                try recordAccess(context, pattern: pattern, status: problem.status, body: [])
                throw problem
            }
        }
    }

    /// Writes the audit record through the outbox (its own short transaction).
    func recordAccess(_ context: RequestContext, pattern: String, status: Int, body: [UInt8]) throws {
        let request = context.request
        let caseId = request.pathParameters["caseId"].flatMap(Identifier.init) ?? AuditExtraction.identifier("caseId", in: body)
        let personId = request.pathParameters["personId"].flatMap(Identifier.init) ?? AuditExtraction.identifier("personId", in: body)
        let record = PersonalDataAccessed(
            service: configuration.serviceName, subject: context.principal.subject, organisation: context.principal.organisation,
            roles: context.principal.roles.sorted(), action: ["GET", "HEAD"].contains(request.method) ? .read : .write,
            method: request.method, route: pattern, caseId: caseId, personId: personId, status: status,
            requestId: request.requestId, at: Date())
        let envelope = try EventEnvelope(record, subject: caseId?.description ?? personId?.description ?? "none",
                                         actor: context.actor, correlationid: correlationId(for: request))
        try write { connection in try publish(envelope, to: Topics.audit, on: connection) }
    }
}

/// Finds the case or person a response is about, for the audit record, without decoding
/// the whole body into a type.
enum AuditExtraction {
    static func identifier(_ key: String, in body: [UInt8]) -> Identifier? {
        guard !body.isEmpty, body.first == UInt8(ascii: "{"),
              case .object(let object)? = try? JSONCoding.decoder.decode(JSONValue.self, from: Data(body)),
              let text = object[key]?.stringValue else { return nil }
        return Identifier(text)
    }
}
