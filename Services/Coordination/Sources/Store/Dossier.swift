import Foundation
import IASContracts
import IASMessaging
import IASPostgres
import IASRuntime
import IASServiceKit

/// `GET /cases/{caseId}/dossier`: one view of the whole case, built from events.
struct Dossier: Encodable, Sendable {
    struct Person: Encodable, Sendable {
        let personId: Identifier
        let zemisNumber: String?
        let givenName: String
        let familyName: String
        let dateOfBirth: CalendarDate
        let sex: String
        let nationality: String
        let languages: [String]
        let status: String
        let enteredCantonOn: CalendarDate
        let statusDecidedOn: CalendarDate?
        let householdId: Identifier?
        let accommodation: String
        /// The version of the person's data after the last correction.
        let version: Int
    }
    struct Regularisation: Encodable, Sendable {
        let previousStatus: String
        let status: String
        let decidedOn: CalendarDate
    }
    struct Responsibility: Codable, Sendable, RowDecodable {
        let org: String
        let since: CalendarDate
        /// registration, assignment, relocation or delegation
        let reason: String
        let fromOrg: String?
    }
    struct Closure: Encodable, Sendable {
        let reason: String
        let closedOn: CalendarDate
        let outcome: String?
    }
    struct TimelineEntry: Encodable, Sendable {
        let eventId: Identifier
        let type: String
        let source: String
        let time: Date
        let actorOrg: String
        let data: JSONValue
    }

    let caseId: Identifier
    let person: Person?
    let status: String?
    let regularisation: Regularisation?
    let responsibleOrg: String?
    let responsibilityHistory: [Responsibility]
    let assessments: [DossierSections.Assessment]
    let targetGroup: DossierSections.TargetGroupDecision?
    let targetGroupHistory: [DossierSections.TargetGroupDecision]
    let plan: DossierSections.Plan?
    let budget: DossierSections.Budget?
    let openTasks: [TaskRecord]
    let consents: [ConsentRecord]
    /// The documents that are not withdrawn, with their current version (their content is
    /// read at `GET /cases/{caseId}/documents/{documentId}/content`).
    let documents: [DocumentRecord]
    let referrals: [ReferralRecord]
    let finalReports: [DossierSections.FinalReport]
    let deviations: [DossierSections.Deviation]
    let closure: Closure?
    private(set) var timeline: [TimelineEntry]

    /// The response body.
    func json() throws -> [UInt8] { try JSONCoding.encode(self) }

    /// The dossier without its timeline (the final report kept at a handover).
    func withoutTimeline() -> Dossier {
        var copy = self
        copy.timeline = []
        return copy
    }

    /// nil when nothing at all is known about the case. All sections are read in one round
    /// trip and one snapshot (REPEATABLE READ), so the dossier never mixes the states before
    /// and after an event's commit (a case's timeline without its registration, say).
    static func load(_ caseId: Identifier, on c: PostgresConnection) throws -> Dossier? {
        let sections = try c.query([
            PostgresStatement("""
                SELECT person_id, zemis_number, given_name, family_name, date_of_birth, sex, nationality, languages, status,
                       entered_canton_on, status_decided_on, household_id, accommodation, responsible_org, previous_status,
                       regularized_on, closed_on, closure_reason, closure_outcome, person_version
                FROM cases WHERE case_id = $1
                """, [caseId]),
            PostgresStatement("""
                SELECT event_id, event_type, source, occurred_at, actor_org, data FROM timeline
                WHERE case_id = $1 ORDER BY occurred_at, event_id
                """, [caseId.description]),
            PostgresStatement(
                "SELECT org, since, reason, from_org FROM responsibility_history WHERE case_id = $1 ORDER BY since, occurred_at NULLS FIRST, event_id",
                [caseId]),
            DossierSections.targetGroupsQuery(caseId),
            DossierSections.assessmentsQuery(caseId),
            DossierSections.measuresQuery(caseId),
            DossierSections.planQuery(caseId),
            DossierSections.approvalsQuery(caseId),
            DossierSections.budgetQuery(caseId),
            TaskStore.listQuery(.init(scope: .every, status: .open, caseId: caseId, limit: 500)),
            ConsentStore.listQuery(caseId: caseId),
            ReferralStore.listQuery(caseId: caseId),
            DossierSections.finalReportsQuery(caseId),
            DossierSections.deviationsQuery(caseId),
            DocumentStore.listQuery(caseId: caseId, DocumentFilter(limit: 500)),
        ], isolation: .repeatableRead)
        let caseRow = sections[0].first
        let timeline = try sections[1].map { row in
            TimelineEntry(eventId: try row.identifier("event_id"), type: try row.string("event_type"), source: try row.string("source"),
                          time: try row.date("occurred_at"), actorOrg: try row.string("actor_org"), data: try row.json(JSONValue.self, "data"))
        }
        guard caseRow != nil || !timeline.isEmpty else { return nil }
        let history = try sections[2].map(Responsibility.init)
        let person = try caseRow.map { row in
            Person(personId: try row.identifier("person_id"), zemisNumber: try row.optionalString("zemis_number"),
                   givenName: try row.string("given_name"), familyName: try row.string("family_name"),
                   dateOfBirth: try row.calendarDate("date_of_birth"), sex: try row.string("sex"),
                   nationality: try row.string("nationality"), languages: try row.json([String].self, "languages"),
                   status: try row.string("status"), enteredCantonOn: try row.calendarDate("entered_canton_on"),
                   statusDecidedOn: try row.optionalCalendarDate("status_decided_on"),
                   householdId: try row.optionalIdentifier("household_id"), accommodation: try row.string("accommodation"),
                   version: try row.int("person_version"))
        }
        var regularisation: Regularisation?
        var closure: Closure?
        if let row = caseRow {
            if let previous = try row.optionalString("previous_status"), let on = try row.optionalCalendarDate("regularized_on") {
                regularisation = Regularisation(previousStatus: previous, status: try row.string("status"), decidedOn: on)
            }
            if let reason = try row.optionalString("closure_reason"), let on = try row.optionalCalendarDate("closed_on") {
                closure = Closure(reason: reason, closedOn: on, outcome: try row.optionalString("closure_outcome"))
            }
        }
        let decisions = try DossierSections.targetGroups(sections[3])
        return Dossier(
            caseId: caseId, person: person, status: try caseRow?.string("status"), regularisation: regularisation,
            responsibleOrg: try caseRow?.string("responsible_org"), responsibilityHistory: history,
            assessments: try sections[4].map(DossierSections.Assessment.init), targetGroup: decisions.last,
            targetGroupHistory: decisions, plan: try DossierSections.plan(measures: sections[5], plans: sections[6]),
            budget: try DossierSections.budget(approvals: sections[7], budgets: sections[8]),
            openTasks: try sections[9].map(TaskRecord.init), consents: try sections[10].map { try ConsentRecord(row: $0) },
            documents: try DocumentStore.records(sections[14]),
            referrals: try sections[11].map(ReferralRecord.init),
            finalReports: try sections[12].map(DossierSections.FinalReport.init), deviations: try sections[13].map(DossierSections.Deviation.init),
            closure: closure, timeline: timeline)
    }
}
