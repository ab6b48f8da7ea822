import CostsService
import IASServiceKit

/// The checks over one snapshot, in the order they are printed.
struct ConsistencyChecks {
    let s: ConsistencySnapshot
    let scope: ConsistencyScope

    func all() -> [ConsistencyFinding] {
        [dossiers()] + ["assessment", "plan", "costs"].map(caseRegistry) + [outboxBacklog(), dossierInbox(), timeline()]
            + [budgets(), charges()] + measureStates() + [documents()]
    }

    private var personIds: Set<String> { Set(s.persons.map(\.id)) }
    /// Settled persons in scope: each must have arrived everywhere.
    private var expectedCases: [String] { s.persons.filter { $0.inScope && $0.settled }.map(\.id) }

    // MARK: Cases

    /// Every registered person has a dossier, and every dossier a registered person.
    func dossiers() -> ConsistencyFinding {
        let known = Set(s.dossiers.map(\.id))
        let persons = personIds
        return .compare("dossiers", context: "\(s.persons.filter(\.inScope).count) persons, \(s.dossiers.filter(\.inScope).count) dossiers", [
            ("persons without dossier", expectedCases.filter { !known.contains($0) }),
            ("dossiers without registered person", s.dossiers.filter { $0.inScope && !persons.contains($0.id) }.map(\.id)),
        ])
    }

    /// Every registered person is in the service's case registry, and nobody else.
    func caseRegistry(_ service: String) -> ConsistencyFinding {
        let rows = s.registries[service] ?? []
        let known = Set(rows.map(\.id))
        let persons = personIds
        return .compare("case-registry \(service)", context: "\(rows.filter(\.inScope).count) registry rows", [
            ("persons missing", expectedCases.filter { !known.contains($0) }),
            ("rows without registered person", rows.filter { $0.inScope && !persons.contains($0.id) }.map(\.id)),
        ])
    }

    /// Every version of a document has all its sealed chunks, every case with documents a
    /// key, and every document a case (the content is not in the topics: nothing rebuilds it).
    func documents() -> ConsistencyFinding {
        .compare("documents", context: "\(s.documents.documents) documents", [
            ("versions with missing or extra chunks", s.documents.chunksWrong),
            ("cases with documents but no key", s.documents.keyMissing),
            ("documents of an unknown case", s.documents.caseUnknown),
        ])
    }

    // MARK: Events

    /// No outbox row waits longer than the grace period for its delivery report.
    func outboxBacklog() -> ConsistencyFinding {
        let services = ServiceDatabases.services
        let ids = services.flatMap { service in (s.backlog[service] ?? []).map { "\(service):\($0)" } }
        let counts = services.map { "\($0) \(s.backlog[$0]?.count ?? 0)" }.joined(separator: ", ")
        return .compare("outbox-backlog", context: "unpublished for more than \(scope.graceSeconds) s: \(counts)", [
            ("rows unpublished", ids),
        ])
    }

    /// Each published event of a topic the dossier consumes is in coordination's inbox of the
    /// `dossier` consumer (the primary key holds it at most once), and the inbox holds nothing
    /// that no outbox published.
    func dossierInbox() -> ConsistencyFinding {
        let inbox = Set(s.dossierInbox.map(\.id))
        let events = ConsistencySnapshot.publishers.flatMap { s.published[$0] ?? [] }
        let published = Set(events.map(\.eventId))
        let missing = events.filter { $0.inScope && $0.settled && !inbox.contains($0.eventId) }.map(\.eventId)
        let unknown = s.dossierInbox.filter { $0.inScope && !published.contains($0.id) }.map(\.id)
        return .compare("dossier-inbox", context: "\(events.filter(\.inScope).count) events published, \(s.dossierInbox.filter(\.inScope).count) in the inbox", [
            ("events missing (dead-lettered? see replay-dlq)", missing),
            ("inbox rows no outbox published", unknown),
        ])
    }

    /// Each dossier's timeline is exactly the union of the services' events for the case and
    /// coordination's own events.
    func timeline() -> ConsistencyFinding {
        let serviceEvents = ConsistencySnapshot.publishers.flatMap { s.published[$0] ?? [] }
        let expected = serviceEvents + s.ownEvents
        let cases: Set<String> = scope.since == nil
            ? Set(expected.map(\.caseId)).union(s.timeline.values)
            : Set(s.persons.filter(\.inScope).map(\.id))
        let expectedIds = Set(expected.map(\.eventId))
        var missingCases = Set<String>()
        var missingEvents = 0
        // Coordination's own events are on its timeline in the same transaction: no grace.
        for event in serviceEvents where event.settled {
            if cases.contains(event.caseId) && s.timeline[event.eventId] == nil { missingEvents += 1; missingCases.insert(event.caseId) }
        }
        for event in s.ownEvents where cases.contains(event.caseId) && s.timeline[event.eventId] == nil {
            missingEvents += 1
            missingCases.insert(event.caseId)
        }
        var unknownCases = Set<String>()
        var unknownEvents = 0
        for (eventId, caseId) in s.timeline where cases.contains(caseId) && !expectedIds.contains(eventId) {
            unknownEvents += 1
            unknownCases.insert(caseId)
        }
        let rows = s.timeline.values.filter { cases.contains($0) }.count
        return .compare("timeline", context: "\(cases.count) cases, \(rows) timeline rows, \(missingEvents) events missing, \(unknownEvents) unknown", [
            ("cases missing events", Array(missingCases)),
            ("cases with events no outbox published", Array(unknownCases)),
        ])
    }

    // MARK: Costs

    /// committed = granted lump-sum approvals; spent = charges against them.
    func budgets() -> ConsistencyFinding {
        let wrong = s.budgets.filter { $0.committed != $0.granted || $0.spent != $0.charged }.map(\.caseId)
        return .compare("budgets", context: "\(s.budgets.count) budgets", [("budgets not equal to their grants and charges", wrong)])
    }

    /// The charges of each approval add up to its charged sum and stay within its grant.
    func charges() -> ConsistencyFinding {
        .compare("charges", context: "\(s.approvalCount) approvals", [("approvals whose charges exceed or differ from the grant", s.chargeViolations)])
    }

    // MARK: Measures

    /// A measure that needs a cost approval is beyond `planned` only with a granted approval;
    /// one whose approvals were all rejected stays planned (or dropped).
    func measureStates() -> [ConsistencyFinding] {
        let beyondPlanned: Set<String> = ["approved", "enrolled", "started", "completed", "interrupted"]
        var ungranted: [String] = []
        var rejectedOnly: [String] = []
        for measure in s.measures where measure.settled && beyondPlanned.contains(measure.status) {
            let approvals = s.approvalsByMeasure[measure.measureId] ?? ApprovalSummary()
            guard !approvals.granted else { continue }
            if approvals.rejected { rejectedOnly.append(measure.measureId) } else { ungranted.append(measure.measureId) }
        }
        let context = "\(s.measures.count) measures funded by the lump sum or another source"
        return [
            .compare("measure-approvals", context: context, [("measures beyond planned without a granted approval", ungranted)]),
            .compare("rejected-measures", context: context, [("measures beyond planned whose approvals were all rejected", rejectedOnly)]),
        ]
    }
}
