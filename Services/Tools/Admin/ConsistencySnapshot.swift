import IASContracts

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

    private mutating func addOutbox(_ service: String, _ outbox: (events: [OutboxEvent], backlog: [String])) {
        published[service] = outbox.events
        backlog[service] = outbox.backlog
    }

    static func read(_ databases: ServiceDatabases, _ scope: Scope) throws -> ConsistencySnapshot {
        var s = ConsistencySnapshot()
        try databases.read("coordination") { c in
            s.dossiers = try StoreReads.dossiers(c, scope)
            s.dossierInbox = try StoreReads.dossierInbox(c, scope)
            s.timeline = try StoreReads.timeline(c)
            let outbox = try StoreReads.outbox(c, topics: [Topics.coordination], scope)
            s.ownEvents = outbox.events
            s.backlog["coordination"] = outbox.backlog
        }
        try databases.read("plan") { c in
            s.measures = try StoreReads.measuresNeedingApproval(c, scope)
            s.registries["plan"] = try StoreReads.caseRegistry(c, scope)
            s.addOutbox("plan", try StoreReads.outbox(c, topics: dossierTopics, scope))
        }
        try databases.read("assessment") { c in
            s.registries["assessment"] = try StoreReads.caseRegistry(c, scope)
            s.addOutbox("assessment", try StoreReads.outbox(c, topics: dossierTopics, scope))
        }
        try databases.read("costs") { c in
            s.registries["costs"] = try StoreReads.caseRegistry(c, scope)
            s.budgets = try StoreReads.budgets(c, scope)
            let charges = try StoreReads.chargeViolations(c, scope)
            s.chargeViolations = charges.violations
            s.approvalCount = charges.approvals
            s.approvalsByMeasure = try StoreReads.approvalsByMeasure(c)
            s.addOutbox("costs", try StoreReads.outbox(c, topics: dossierTopics, scope))
        }
        try databases.read("intake") { c in
            s.persons = try StoreReads.persons(c, scope)
            s.addOutbox("intake", try StoreReads.outbox(c, topics: dossierTopics, scope))
        }
        return s
    }
}
