import CoordinationService
import CostsService
import IASContracts
import IASServiceKit
import IntakeService
import PlanService

/// Everything the checks compare, read database by database. The databases that receive
/// events are read before those that send them, so that whatever a receiver holds was
/// already committed at its sender when the sender is read ("unknown" findings are real).
struct ConsistencySnapshot {
    /// The topics whose events coordination's `dossier` consumer applies and puts on the timeline.
    static let dossierTopics = [Topics.intake, Topics.assessment, Topics.plan, Topics.costs]
    /// The services that publish to `dossierTopics`.
    static let publishers = ["intake", "assessment", "plan", "costs"]

    var dossiers: [ScopedId] = []
    var dossierInbox: [ScopedId] = []
    var timeline: [String: String] = [:]
    /// Coordination's own events: written to its outbox and its timeline in one transaction.
    var ownEvents: [OutboxEvent] = []
    var measures: [MeasureState] = []
    var registries: [String: [ScopedId]] = [:]
    var budgets: [BudgetFigures] = []
    var chargeViolations: [String] = []
    var approvalCount = 0
    var approvalsByMeasure: [String: ApprovalSummary] = [:]
    var persons: [ScopedId] = []
    /// Outbox events of `dossierTopics`, by publishing service.
    var published: [String: [OutboxEvent]] = [:]
    /// Ids of unpublished outbox rows older than the grace period, by service.
    var backlog: [String: [String]] = [:]
    /// Coordination's documents as stored (DossierConsistencyReads.documentFaults).
    var documents: (documents: Int, chunksWrong: [String], keyMissing: [String], caseUnknown: [String]) = (0, [], [], [])

    private mutating func addOutbox(_ service: String, _ outbox: (events: [OutboxEvent], backlog: [String])) {
        published[service] = outbox.events
        backlog[service] = outbox.backlog
    }

    static func read(_ databases: ServiceDatabases, _ scope: ConsistencyScope) throws -> ConsistencySnapshot {
        var s = ConsistencySnapshot()
        try databases.read("coordination") { c in
            s.dossiers = try DossierConsistencyReads.dossiers(c, scope)
            s.dossierInbox = try ConsistencyReads.inbox(c, consumer: "dossier", scope)
            s.timeline = try DossierConsistencyReads.timeline(c)
            s.documents = try DossierConsistencyReads.documentFaults(c)
            let outbox = try ConsistencyReads.outbox(c, topics: [Topics.coordination], scope)
            // The audit trail's anchors concern no case: they are on no timeline.
            s.ownEvents = outbox.events.filter { $0.caseId != AuditTrailAnchored.subject }
            s.backlog["coordination"] = outbox.backlog
        }
        try databases.read("plan") { c in
            s.measures = try PlanConsistencyReads.measuresNeedingApproval(c, scope)
            s.registries["plan"] = try ConsistencyReads.caseRegistry(c, scope)
            s.addOutbox("plan", try ConsistencyReads.outbox(c, topics: dossierTopics, scope))
        }
        try databases.read("assessment") { c in
            s.registries["assessment"] = try ConsistencyReads.caseRegistry(c, scope)
            s.addOutbox("assessment", try ConsistencyReads.outbox(c, topics: dossierTopics, scope))
        }
        try databases.read("costs") { c in
            s.registries["costs"] = try ConsistencyReads.caseRegistry(c, scope)
            s.budgets = try CostsConsistencyReads.budgets(c, scope)
            let charges = try CostsConsistencyReads.chargeViolations(c, scope)
            s.chargeViolations = charges.violations
            s.approvalCount = charges.approvals
            s.approvalsByMeasure = try CostsConsistencyReads.approvalsByMeasure(c)
            s.addOutbox("costs", try ConsistencyReads.outbox(c, topics: dossierTopics, scope))
        }
        try databases.read("intake") { c in
            s.persons = try IntakeConsistencyReads.persons(c, scope)
            s.addOutbox("intake", try ConsistencyReads.outbox(c, topics: dossierTopics, scope))
        }
        return s
    }
}
