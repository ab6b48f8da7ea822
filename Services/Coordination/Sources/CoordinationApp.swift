import Foundation
import IASContracts
import IASCrypto
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
    let documents: DocumentSettings
    let subjectAccess: SubjectAccessSettings
    let tasks: TaskSettings
    let digest: DigestSettings

    init(host: ServiceHost, auditRetentionDays: Int = 730, documents: DocumentSettings, subjectAccess: SubjectAccessSettings,
         tasks: TaskSettings = .standard, digest: DigestSettings = .standard) {
        self.host = host
        self.tasks = tasks
        self.auditRetentionDays = auditRetentionDays
        self.documents = documents
        self.subjectAccess = subjectAccess
        self.digest = digest
    }

    /// With the default document and export settings and these master keys (tests in process).
    public convenience init(host: ServiceHost, documentKeys: MasterKeyRing) {
        self.init(host: host, documents: DocumentSettings(ring: documentKeys), subjectAccess: .standard)
    }

    /// Entry point of the `ias-coordination` executable.
    public static func main() -> Never {
        ServiceMain.run("coordination") {
            var retention = 730
            var documents: DocumentSettings?
            var subjectAccess = SubjectAccessSettings.standard
            var tasks: TaskSettings?
            var digest = DigestSettings.standard
            let host = try ServiceHost(service: "coordination", defaultPort: 8085,
                                       publishes: [Topics.coordination] + PartnerChannel.all.map(\.outbound),
                                       resources: Bundle.module) { reader in
                retention = reader.int("IAS_AUDIT_RETENTION_DAYS", default: 730, range: AuditLog.minimumRetentionDays...36_500)
                documents = DocumentSettings.read(from: reader)
                subjectAccess = SubjectAccessSettings.read(from: reader)
                tasks = TaskSettings.read(from: reader)
                digest = DigestSettings.read(from: reader)
            }
            // The reader refused to start without usable document keys, so they are here.
            guard let documents, let tasks else { throw ConfigurationError(problems: ["the document or task settings are missing"]) }
            // Seam to the audit trail's own retention: the audit-trail rule of the retention rules and
            // IAS_AUDIT_RETENTION_DAYS both say how long the trail is kept at least; the longer one holds.
            let auditDays = max(retention, host.retention.rules[.auditTrail].keep.approximateDays)
            CoordinationApp(host: host, auditRetentionDays: auditDays, documents: documents, subjectAccess: subjectAccess, tasks: tasks,
                            digest: digest).register()
            return host
        }
    }

    public func register() {
        host.eraseCases(with: CaseDataErasure.erasure)
        host.subscribe(EventSubscription(name: "dossier", topics: DossierProjection.topics) { [tasks] envelope, connection in
            try DossierProjection.apply(envelope, mode: .live, rules: tasks.rules, on: connection)
        })
        host.subscribe(EventSubscription(name: FinalReportArchive.subscription, topics: [Topics.plan]) { [documents] envelope, connection in
            try FinalReportArchive.keep(envelope, vault: documents.vault, on: connection)
        })
        // The topic of an answer names its sender (PartnerInbound), so this handler gets the record's origin.
        host.subscribe(EventSubscription(name: "partner-inbound", topics: PartnerInbound.topics) { [tasks] envelope, origin, connection in
            try PartnerInbound.apply(envelope, arrivedOn: origin.topic, rules: tasks.rules, on: connection)
        })
        // Every service records access to personal data on ias.audit.v1; coordination keeps the trail.
        host.subscribe(EventSubscription(name: "audit", topics: [Topics.audit]) { envelope, connection in
            try AuditLog.apply(envelope, on: connection)
        })
        // Records kept before the chain existed get their places once, as the owner (UPDATE).
        host.afterMigrations { try AuditChain.chainUnchained(on: $0) }
        host.schedule(ScheduledJob(name: "audit-retention", intervalSeconds: 86_400) { [self] in try purgeAuditTrail() })
        host.schedule(ScheduledJob(name: "audit-anchor", intervalSeconds: 3_600) { [self] in try anchorAuditTrail() })
        if digest.enabled {
            host.schedule(ScheduledJob(name: "mail-digest", intervalSeconds: digest.checkSeconds) { [self] in try sendDigests() })
        }
        host.route("GET", "/cases/{caseId}/dossier", .readCases) { [self] context in try dossier(context) }
        host.route("GET", "/tasks", .readCases) { [self] context in try listTasks(context) }
        host.route("GET", "/tasks/overdue-summary", .readCases) { [self] context in try overdueSummary(context) }
        host.schedule(ScheduledJob(name: "task-prompts", intervalSeconds: tasks.intervalSeconds) { [self] in try runTaskPrompts() })
        host.route("POST", "/tasks/{taskId}/completion", .writeCases) { [self] context in try completeTask(context) }
        host.route("POST", "/cases/{caseId}/consents", .writeCases) { [self] context in try recordConsent(context) }
        host.route("GET", "/cases/{caseId}/consents", .readCases) { [self] context in try listConsents(context) }
        host.route("DELETE", "/cases/{caseId}/consents/{consentId}", .writeCases) { [self] context in try withdrawConsent(context) }
        host.route("POST", "/cases/{caseId}/referrals", .writeCases) { [self] context in try sendReferral(context) }
        host.route("GET", "/cases/{caseId}/referrals", .readCases) { [self] context in try listReferrals(context) }
        host.route("GET", "/referrals", .readCases) { [self] context in try listReferralsInScope(context) }
        host.route("GET", "/reports/ias-indicators", .readIndicators) { [self] context in try indicators(context) }
        host.route("GET", "/reports/federal", .readIndicators) { [self] context in try federalReport(context) }
        host.route("GET", "/audit", .readAuditTrail) { [self] context in try audit(context) }
        host.registerSubjectAccess(withheld: Self.subjectAccessWithheld)
        host.route("GET", "/subject-access/{personId}/archive", .exportSubjectData) { [self] context in try subjectAccessArchive(context) }
        registerDocuments()
    }

    private func registerDocuments() {
        let upload = documents.uploadPolicy
        host.route("POST", "/cases/{caseId}/documents", .writeCases, body: upload) { [self] context in try addDocument(context) }
        host.route("GET", "/cases/{caseId}/documents", .readCases) { [self] context in try listDocuments(context) }
        host.route("GET", "/cases/{caseId}/documents/{documentId}", .readCases) { [self] context in try getDocument(context) }
        host.route("GET", "/cases/{caseId}/documents/{documentId}/content", .readCases) { [self] context in try documentContent(context) }
        host.route("POST", "/cases/{caseId}/documents/{documentId}/versions", .writeCases, body: upload) { [self] context in
            try addDocumentVersion(context)
        }
        host.route("DELETE", "/cases/{caseId}/documents/{documentId}", .writeCases) { [self] context in try withdrawDocument(context) }
        host.schedule(ScheduledJob(name: "document-erasure", intervalSeconds: 3_600) { [self] in try eraseWithdrawnDocuments() })
    }

}
