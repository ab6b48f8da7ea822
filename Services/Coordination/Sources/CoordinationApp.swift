import Foundation
import IASContracts
import IASHTTP
import IASMessaging
import IASPostgres
import IASRuntime
import IASServiceKit

/// The coordination service: the dossier built from every service's events, the tasks of
/// the organisations, consents, referrals to partners, the IAS indicators and the audit trail.
public final class CoordinationApp: Sendable {
    let host: ServiceHost
    let auditRetentionDays: Int

    public init(host: ServiceHost, auditRetentionDays: Int = 730) {
        self.host = host
        self.auditRetentionDays = auditRetentionDays
    }

    /// Entry point of the `ias-coordination` executable: the service, or with the first
    /// argument `rebuild-dossier` that operator command (RebuildDossierCommand).
    public static func main() -> Never {
        let arguments = CommandLine.arguments.dropFirst()
        if arguments.first == RebuildDossierCommand.name {
            exit(RebuildDossierCommand.run(Array(arguments.dropFirst())))
        }
        ServiceMain.run("coordination") {
            var retention = 730
            let host = try ServiceHost(service: "coordination", defaultPort: 8085,
                                       publishes: [Topics.coordination] + PartnerChannel.all.map(\.outbound),
                                       resources: Bundle.module) { reader in
                retention = reader.int("IAS_AUDIT_RETENTION_DAYS", default: 730, range: AuditLog.minimumRetentionDays...36_500)
            }
            CoordinationApp(host: host, auditRetentionDays: retention).register()
            return host
        }
    }

    public func register() {
        host.subscribe(EventSubscription(name: "dossier", topics: DossierProjection.topics) { envelope, connection in
            try DossierProjection.apply(envelope, mode: .live, on: connection)
        })
        // The topic of an answer names its sender (PartnerInbound), so this handler gets the record's origin.
        host.subscribe(EventSubscription(name: "partner-inbound", topics: PartnerInbound.topics) { envelope, origin, connection in
            try PartnerInbound.apply(envelope, arrivedOn: origin.topic, on: connection)
        })
        // Every service records access to personal data on ias.audit.v1; coordination keeps the trail.
        host.subscribe(EventSubscription(name: "audit", topics: [Topics.audit]) { envelope, connection in
            try AuditLog.apply(envelope, on: connection)
        })
        host.schedule(ScheduledJob(name: "audit-retention", intervalSeconds: 86_400) { [host, auditRetentionDays] in
            let purged = try host.write { try AuditLog.purge(olderThanDays: auditRetentionDays, on: $0) }
            if purged > 0 { host.logger.info("audit entries past their retention deleted", ["count": String(purged)]) }
        })
        host.route("GET", "/cases/{caseId}/dossier", .readCases) { [self] context in try dossier(context) }
        host.route("GET", "/tasks", .readCases) { [self] context in try listTasks(context) }
        host.route("POST", "/tasks/{taskId}/completion", .writeCases) { [self] context in try completeTask(context) }
        host.route("POST", "/cases/{caseId}/consents", .writeCases) { [self] context in try recordConsent(context) }
        host.route("GET", "/cases/{caseId}/consents", .readCases) { [self] context in try listConsents(context) }
        host.route("DELETE", "/cases/{caseId}/consents/{consentId}", .writeCases) { [self] context in try withdrawConsent(context) }
        host.route("POST", "/cases/{caseId}/referrals", .writeCases) { [self] context in try sendReferral(context) }
        host.route("GET", "/cases/{caseId}/referrals", .readCases) { [self] context in try listReferrals(context) }
        host.route("GET", "/referrals", .readCases) { [self] context in try listReferralsInScope(context) }
        host.route("GET", "/reports/ias-indicators", .readIndicators) { [self] context in try indicators(context) }
        host.route("GET", "/audit", .readAuditTrail) { [self] context in try audit(context) }
    }

    func dossier(_ context: RequestContext) throws -> HTTPResponse {
        let caseId = try Self.caseId(context)
        // Dossier.load reads in one snapshot of its own (one round trip, BEGIN and COMMIT included).
        guard let dossier = try host.pool.withConnection({ try Dossier.load(caseId, on: $0) }) else {
            throw Problem.notFound("no case with this id")
        }
        // Until the registration arrived only the canton sees the case.
        try context.requireCaseAccess(responsibleOrg: dossier.responsibleOrg ?? "canton:KSD", caseId: caseId,
                                      personId: dossier.person?.personId)
        return .json(body: try dossier.json())
    }

    // MARK: Shared helpers of the handlers

    static func caseId(_ context: RequestContext) throws -> Identifier {
        guard let id = Identifier(try context.request.parameter("caseId")) else { throw Problem.notFound("no case with this id") }
        return id
    }

    /// Locks the case and checks the caller may work on it: 404 unknown, 403 not responsible.
    static func lockAccessibleCase(_ caseId: Identifier, _ context: RequestContext, on c: PostgresConnection) throws -> CaseSnapshot {
        guard let snapshot = try CaseSnapshot.lock(caseId, on: c) else { throw Problem.notFound("no case with this id") }
        try context.requireCaseAccess(responsibleOrg: snapshot.responsibleOrg, caseId: caseId)
        return snapshot
    }

    /// For reads: 404 unknown, 403 not responsible.
    static func requireReadableCase(_ caseId: Identifier, _ context: RequestContext, on c: PostgresConnection) throws {
        guard let row = try c.query("SELECT responsible_org FROM cases WHERE case_id = $1", [caseId]).first else {
            throw Problem.notFound("no case with this id")
        }
        try context.requireCaseAccess(responsibleOrg: try row.string("responsible_org"), caseId: caseId)
    }

    func cause(_ context: RequestContext) -> Cause {
        Cause(actor: context.actor, correlationId: host.correlationId(for: context.request), causationId: nil)
    }
}
