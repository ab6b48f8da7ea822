import Foundation
import IASContracts
import IASHTTP
import IASMessaging
import IASRuntime

/// The audit record of every answer of a route that touches personal data, granted or refused,
/// written before the answer leaves; if it cannot be written the request fails with 503
/// rather than disclosing data unaudited. A write records it in its own transaction
/// (`ServiceHost.write(_:_:)`); everything else goes through `ServiceHost.auditTrail`, which
/// commits the records of concurrent requests together.
struct AuditRecording: RouteMiddleware {
    let host: ServiceHost

    /// Reference data and the anonymous indicators hold no personal data: not audited.
    static func audits(_ permission: Permission) -> Bool {
        switch permission {
        case .readReference, .readIndicators: return false
        case .readCases, .writeCases, .decideCosts, .readAuditTrail, .exportSubjectData: return true
        }
    }

    func respond(to call: RouteCall, next: (RouteCall) throws -> HTTPResponse) throws -> HTTPResponse {
        guard Self.audits(call.route.permission) else { return try next(call) }
        let context = call.authenticated
        do {
            let response = try next(call)
            try record(context, status: response.status)
            return response
        } catch let problem as Problem {
            try record(context, status: problem.status)
            throw problem
        }
    }

    private func record(_ context: RequestContext, status: Int) throws {
        guard !context.declaration.isAudited else { return }
        try host.auditTrail.submit(try host.auditEnvelope(context, status: status))
    }
}

extension ServiceHost {
    /// The record of one answer: the case and person the handler declared (else the path's),
    /// and every record a list, search or conflict named.
    func auditEnvelope(_ context: RequestContext, status: Int) throws -> EventEnvelope {
        let request = context.request
        let declared = context.declaration.records
        let caseId = declared.lazy.compactMap(\.caseId).first ?? request.pathParameters["caseId"].flatMap(Identifier.init)
        let personId = declared.lazy.compactMap(\.personId).first ?? request.pathParameters["personId"].flatMap(Identifier.init)
        // One record is fully named by caseId and personId; a list names all it returned.
        let named = declared.count == 1 && declared[0].caseId == caseId && declared[0].personId == personId
        let record = PersonalDataAccessed(
            service: configuration.serviceName, subject: context.principal.subject, organisation: context.principal.organisation,
            roles: context.principal.roles.sorted(), action: ["GET", "HEAD"].contains(request.method) ? .read : .write,
            method: request.method, route: request.route, caseId: caseId, personId: personId, status: status,
            requestId: request.requestId, at: Date(),
            disclosed: declared.isEmpty || named ? nil : declared, query: context.declaration.query)
        return try EventEnvelope(record, subject: caseId?.description ?? personId?.description ?? "none",
                                 actor: context.actor, correlationid: context.correlationId)
    }
}
