import Foundation
import IASContracts
import IASMessaging
import IASPostgres
import IASRuntime
import IASServiceKit

/// A registered person as stored and as returned by the API: the registration as published
/// (`PersonRegistered`), and what intake keeps beside it.
struct PersonRecord: PublishedRecord, Sendable, RowDecodable {
    var published: PersonRegistered
    var kept: Lifecycle

    struct Lifecycle: Codable, Sendable {
        var closedOn: CalendarDate?
        var closureReason: ClosureReason?
        var closureOutcome: IntegrationOutcome?
        var version: Int
        var createdAt: Date
        var updatedAt: Date
    }

    static let columns = """
        person_id, case_id, zemis_number, given_name, family_name, date_of_birth, sex, nationality, languages, status,
        entered_canton_on, status_decided_on, household_id, accommodation, responsible_org, duplicate_override_reason, closed_on, closure_reason, closure_outcome,
        version, created_at, updated_at
        """

    var etag: String { "\"\(kept.version)\"" }

    var isClosed: Bool { kept.closedOn != nil }
}

extension PersonRecord: CaseRecord {
    var caseId: Identifier { published.caseId }
    var knownPersonId: Identifier? { published.personId }
    var responsibleOrg: String { published.responsibleOrg }
    var closedOn: CalendarDate? { kept.closedOn }
}
