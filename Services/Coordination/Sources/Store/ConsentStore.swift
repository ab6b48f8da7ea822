import Foundation
import IASContracts
import IASPostgres
import IASRuntime
import IASServiceKit

/// A recorded consent of the person to disclose data to one partner.
struct ConsentRecord: Encodable, Sendable {
    let consentId: Identifier
    let caseId: Identifier
    let partner: String
    let givenOn: CalendarDate
    let expiresOn: CalendarDate?
    let documentRef: String
    let recordedAt: Date
    let recordedByOrg: String
    let withdrawnAt: Date?
    let withdrawnByOrg: String?
    /// valid, expired, withdrawn or not_yet_valid — as of the day of the answer.
    let state: String

    static let columns = """
        consent_id, case_id, partner, given_on, expires_on, document_ref, recorded_at, recorded_by_org, withdrawn_at, withdrawn_by_org
        """

    init(row: PostgresRow, today: CalendarDate = .today()) throws {
        consentId = try row.identifier("consent_id"); caseId = try row.identifier("case_id"); partner = try row.string("partner")
        givenOn = try row.calendarDate("given_on"); expiresOn = try row.optionalCalendarDate("expires_on")
        documentRef = try row.string("document_ref"); recordedAt = try row.date("recorded_at")
        recordedByOrg = try row.string("recorded_by_org"); withdrawnAt = try row.optionalDate("withdrawn_at")
        withdrawnByOrg = try row.optionalString("withdrawn_by_org")
        state = ConsentRules.state(givenOn: givenOn, expiresOn: expiresOn, withdrawn: withdrawnAt != nil, today: today).rawValue
    }
}

/// When a consent allows a disclosure (pure, unit-tested).
enum ConsentRules {
    enum State: String { case valid, expired, withdrawn, notYetValid = "not_yet_valid" }

    /// The partners a referral can go to, and so the partners a consent can name.
    static let partners = ["partner:RAV", "canton:BKS"]

    static func state(givenOn: CalendarDate, expiresOn: CalendarDate?, withdrawn: Bool, today: CalendarDate) -> State {
        if withdrawn { return .withdrawn }
        if givenOn > today { return .notYetValid }
        // The day of expiry is still covered.
        if let expiresOn, expiresOn < today { return .expired }
        return .valid
    }
}

enum ConsentStore {
    static func insert(caseId: Identifier, _ body: RecordConsentRequest, actor: Cause, on c: PostgresConnection) throws -> ConsentRecord {
        let rows = try c.query("""
            INSERT INTO consents (consent_id, case_id, partner, given_on, expires_on, document_ref, recorded_by_org, recorded_by_sub)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING \(ConsentRecord.columns)
            """, [Identifier(), caseId, body.partner, body.givenOn, body.expiresOn, body.documentRef.trimmingCharacters(in: .whitespaces),
                  actor.actor.organisation, actor.actor.subject])
        return try ConsentRecord(row: rows[0])
    }

    static func listQuery(caseId: Identifier) -> PostgresStatement {
        PostgresStatement("SELECT \(ConsentRecord.columns) FROM consents WHERE case_id = $1 ORDER BY recorded_at, consent_id", [caseId])
    }

    static func find(caseId: Identifier, consentId: Identifier, on c: PostgresConnection) throws -> ConsentRecord? {
        try c.query("SELECT \(ConsentRecord.columns) FROM consents WHERE case_id = $1 AND consent_id = $2", [caseId, consentId])
            .first.map { try ConsentRecord(row: $0) }
    }

    static func withdraw(_ consentId: Identifier, actor: Cause, on c: PostgresConnection) throws -> ConsentRecord {
        try ConsentRecord(row: try c.query("""
            UPDATE consents SET withdrawn_at = now(), withdrawn_by_org = $2, withdrawn_by_sub = $3 WHERE consent_id = $1
            RETURNING \(ConsentRecord.columns)
            """, [consentId, actor.actor.organisation, actor.actor.subject])[0])
    }

    /// The valid consent for a partner that was given most recently, if any.
    static func valid(caseId: Identifier, partner: String, today: CalendarDate = .today(), on c: PostgresConnection) throws -> Identifier? {
        try c.query("""
            SELECT consent_id FROM consents
            WHERE case_id = $1 AND partner = $2 AND withdrawn_at IS NULL AND given_on <= $3 AND (expires_on IS NULL OR expires_on >= $3)
            ORDER BY given_on DESC, recorded_at DESC LIMIT 1
            """, [caseId, partner, today]).first?.identifier("consent_id")
    }
}
