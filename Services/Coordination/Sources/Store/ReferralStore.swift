import Foundation
import IASContracts
import IASPostgres
import IASRuntime

/// A referral of a measure to its partner, as stored and returned by the API.
struct ReferralRecord: Codable, Sendable, RowDecodable {
    let referralId: Identifier
    let caseId: Identifier
    let measureId: Identifier
    let partner: String
    let catalogCode: String
    /// awaiting_consent, sent, accepted, enrolled, ended
    let status: String
    let consentId: Identifier?
    let legalBasisOverride: Bool
    let overrideReason: String?
    let createdAt: Date
    let sentAt: Date?
    let sentByOrg: String?
    let acceptedOn: CalendarDate?
    let enrolledOn: CalendarDate?
    let startsOn: CalendarDate?
    let endedOn: CalendarDate?
    let outcome: String?

    static let columns = """
        referral_id, case_id, measure_id, partner, catalog_code, status, consent_id, legal_basis_override, override_reason,
        created_at, sent_at, sent_by_org, accepted_on, enrolled_on, starts_on, ended_on, outcome
        """
}

/// A measure of the plan as coordination knows it from plan's and costs' events.
struct MeasureFacts: Sendable {
    let measureId: Identifier
    let caseId: Identifier
    let catalogCode: String
    let partner: String?
    let startsOn: CalendarDate
    /// A cost approval of the measure was granted (fully or partly).
    let granted: Bool

    static func find(_ measureId: Identifier, on c: PostgresConnection) throws -> MeasureFacts? {
        try c.query("""
            SELECT m.measure_id, m.case_id, m.catalog_code, m.partner, m.starts_on,
                   EXISTS (SELECT 1 FROM approvals a WHERE a.measure_id = m.measure_id
                           AND a.decision IN ('granted', 'partially_granted')) AS granted
            FROM measures m WHERE m.measure_id = $1
            """, [measureId]).first.map { row in
            MeasureFacts(measureId: try row.identifier("measure_id"), caseId: try row.identifier("case_id"),
                         catalogCode: try row.string("catalog_code"), partner: try row.optionalString("partner"),
                         startsOn: try row.calendarDate("starts_on"), granted: try row.bool("granted"))
        }
    }
}

enum ReferralStore {
    static func find(_ referralId: Identifier, on c: PostgresConnection) throws -> ReferralRecord? {
        try c.query("SELECT \(ReferralRecord.columns) FROM referrals WHERE referral_id = $1 FOR UPDATE", [referralId])
            .first.map(ReferralRecord.init)
    }

    static func forMeasure(_ measureId: Identifier, on c: PostgresConnection) throws -> ReferralRecord? {
        try c.query("SELECT \(ReferralRecord.columns) FROM referrals WHERE measure_id = $1 FOR UPDATE", [measureId])
            .first.map(ReferralRecord.init)
    }

    static func list(caseId: Identifier, after: Identifier? = nil, limit: Int = 1000, on c: PostgresConnection) throws -> [ReferralRecord] {
        let statement = listQuery(caseId: caseId, after: after, limit: limit)
        return try c.query(statement.sql, statement.parameters).map(ReferralRecord.init)
    }

    static func listQuery(caseId: Identifier, after: Identifier? = nil, limit: Int = 1000) -> PostgresStatement {
        PostgresStatement("""
            SELECT \(ReferralRecord.columns) FROM referrals WHERE case_id = $1 AND ($2::uuid IS NULL OR referral_id > $2)
            ORDER BY referral_id LIMIT $3
            """, [caseId, after, limit])
    }

    static func awaitingConsent(caseId: Identifier, partner: String, on c: PostgresConnection) throws -> [ReferralRecord] {
        try c.query("""
            SELECT \(ReferralRecord.columns) FROM referrals WHERE case_id = $1 AND partner = $2 AND status = 'awaiting_consent'
            ORDER BY created_at FOR UPDATE
            """, [caseId, partner]).map(ReferralRecord.init)
    }

    static func insertAwaiting(_ m: MeasureFacts, partner: String, on c: PostgresConnection) throws -> Identifier {
        let id = Identifier()
        try c.execute("""
            INSERT INTO referrals (referral_id, case_id, measure_id, partner, catalog_code, status) VALUES ($1, $2, $3, $4, $5, 'awaiting_consent')
            """, [id, m.caseId, m.measureId, partner, m.catalogCode])
        return id
    }

    enum DateColumn: String { case acceptedOn = "accepted_on", enrolledOn = "enrolled_on", endedOn = "ended_on" }

    static func updateStatus(_ referralId: Identifier, status: String, _ column: DateColumn, date: CalendarDate,
                             startsOn: CalendarDate? = nil, outcome: String? = nil, on c: PostgresConnection) throws {
        try c.execute("""
            UPDATE referrals SET status = $2, \(column.rawValue) = $3, starts_on = COALESCE($4::date, starts_on),
                                 outcome = COALESCE($5::text, outcome)
            WHERE referral_id = $1
            """, [referralId, status, date, startsOn, outcome])
    }
}

extension ReferralStore {
    static func awaitingConsentCount(caseId: Identifier, partner: String, on c: PostgresConnection) throws -> Int {
        try c.query("SELECT count(*) AS n FROM referrals WHERE case_id = $1 AND partner = $2 AND status = 'awaiting_consent'",
                    [caseId, partner]).first?.int("n") ?? 0
    }
}
