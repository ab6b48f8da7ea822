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

    /// Writes the audit record through the outbox before the answer leaves. Records of
    /// concurrent requests are committed together (see `auditTrail`).
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
        try auditTrail.submit(envelope)
    }
}

/// Finds the case or person a response is about, for the audit record: the value of a
/// top-level string member, found by one pass over the bytes. Decoding the whole body (a
/// dossier with its timeline) for one identifier cost a fifth of a service's CPU under load.
enum AuditExtraction {
    static func identifier(_ key: String, in body: [UInt8]) -> Identifier? {
        guard let text = topLevelString(key, in: body) else { return nil }
        return Identifier(text)
    }

    /// The value of member `key` of the top-level object when it is a string without escapes
    /// (identifiers never have any); nil otherwise. Nested objects and arrays are skipped.
    static func topLevelString(_ key: String, in body: [UInt8]) -> String? {
        let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\")
        let wanted = Array(key.utf8)
        var i = 0
        func skipSpace() { while i < body.count, [9, 10, 13, 32].contains(body[i]) { i += 1 } }
        /// From an opening quote: the range of the string's content, i after the closing quote.
        func string() -> Range<Int>? {
            guard i < body.count, body[i] == quote else { return nil }
            let start = i + 1
            i = start
            while i < body.count {
                if body[i] == backslash { i += 2; continue }
                if body[i] == quote { i += 1; return start..<(i - 1) }
                i += 1
            }
            return nil
        }
        skipSpace()
        guard i < body.count, body[i] == UInt8(ascii: "{") else { return nil }
        i += 1
        var depth = 1
        var expectingKey = true
        while i < body.count {
            skipSpace()
            guard i < body.count else { return nil }
            let byte = body[i]
            if depth == 1 && expectingKey && byte == quote {
                guard let name = string() else { return nil }
                skipSpace()
                guard i < body.count, body[i] == UInt8(ascii: ":") else { return nil }
                i += 1
                skipSpace()
                expectingKey = false
                if body[name].elementsEqual(wanted) {
                    guard let value = string(), !body[value].contains(backslash) else { return nil }
                    return String(decoding: body[value], as: UTF8.self)
                }
                continue
            }
            switch byte {
            case quote: _ = string()
            case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1; i += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1; i += 1
                if depth == 0 { return nil }
            case UInt8(ascii: ","): if depth == 1 { expectingKey = true }; i += 1
            default: i += 1
            }
        }
        return nil
    }
}
