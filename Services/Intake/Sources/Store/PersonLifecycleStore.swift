import Foundation
import IASContracts
import IASMessaging
import IASPostgres
import IASRuntime
import IASServiceKit

/// SQL for the changes of a case after registration; every statement is parameterised.
enum PersonLifecycleStore {
    /// The person with a row lock: concurrent changes to one case wait for each other.
    static func lock(_ personId: Identifier, on c: PostgresConnection) throws -> PersonRecord? {
        try c.query("SELECT \(PersonRecord.columns) FROM persons WHERE person_id = $1 FOR UPDATE", [personId]).first.map(PersonRecord.init)
    }

    /// Persons born on that day: the pool in which a similar name means a likely duplicate.
    /// The advisory lock serialises registrations of the same birth date, so that two
    /// concurrent registrations of one person cannot both miss each other.
    static func sameBirthDate(_ date: CalendarDate, on c: PostgresConnection) throws -> [PersonRecord] {
        _ = try c.query("SELECT pg_advisory_xact_lock(hashtext($1))", [birthDateLockKey(date)])
        return try c.query("SELECT \(PersonRecord.columns) FROM persons WHERE date_of_birth = $1 ORDER BY created_at LIMIT 2000", [date])
            .map(PersonRecord.init)
    }

    /// The advisory lock of one birth date (an allocation list takes those of all its rows).
    static func birthDateLockKey(_ date: CalendarDate) -> String { "intake-birth-date:\(date)" }

    /// Writes the corrected fields (nil keeps the stored value) and counts the version up.
    static func correct(_ personId: Identifier, _ r: CorrectPersonRequest, on c: PostgresConnection) throws -> PersonRecord {
        let rows = try c.query("""
            UPDATE persons SET zemis_number = COALESCE($2, zemis_number), given_name = COALESCE($3, given_name),
                family_name = COALESCE($4, family_name), date_of_birth = COALESCE($5::date, date_of_birth), sex = COALESCE($6, sex),
                nationality = COALESCE($7, nationality), languages = COALESCE($8::jsonb, languages),
                entered_canton_on = COALESCE($9::date, entered_canton_on), household_id = COALESCE($10::uuid, household_id),
                version = version + 1, updated_at = now()
            WHERE person_id = $1
            RETURNING \(PersonRecord.columns)
            """,
            [personId, r.zemisNumber.map(Validation.normalizedZemis), r.givenName?.trimmingCharacters(in: .whitespaces),
             r.familyName?.trimmingCharacters(in: .whitespaces), r.dateOfBirth, r.sex?.rawValue, r.nationality,
             try r.languages.map { try PostgresJSON($0) }, r.enteredCantonOn, r.householdId])
        return try PersonRecord(row: rows[0])
    }

    static func regularize(_ personId: Identifier, to status: ResidenceStatus, decidedOn: CalendarDate,
                           on c: PostgresConnection) throws -> PersonRecord {
        let rows = try c.query("""
            UPDATE persons SET status = $2, status_decided_on = $3, version = version + 1, updated_at = now()
            WHERE person_id = $1 RETURNING \(PersonRecord.columns)
            """, [personId, status.rawValue, decidedOn])
        return try PersonRecord(row: rows[0])
    }

    /// Moves the case to `toOrg` and keeps the handover in the history.
    static func transfer(_ person: PersonRecord, _ r: TransferRequest, actor: Actor, on c: PostgresConnection) throws -> PersonRecord {
        try c.execute("""
            INSERT INTO responsibility_transfers (transfer_id, person_id, case_id, from_org, to_org, effective_on, reason, actor_sub, actor_org)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
            """, [Identifier(), person.personId, person.caseId, person.responsibleOrg, r.toOrg, r.effectiveOn, r.reason.rawValue,
                  actor.subject, actor.organisation])
        // From the first handover to a municipality on, the person lives in municipal accommodation.
        let rows = try c.query("""
            UPDATE persons SET responsible_org = $2,
                accommodation = CASE WHEN $2 LIKE 'canton:%' THEN accommodation ELSE 'municipal' END,
                version = version + 1, updated_at = now()
            WHERE person_id = $1 RETURNING \(PersonRecord.columns)
            """, [person.personId, r.toOrg])
        return try PersonRecord(row: rows[0])
    }

    static func close(_ personId: Identifier, reason: ClosureReason, on date: CalendarDate, outcome: IntegrationOutcome?,
                      on c: PostgresConnection) throws -> PersonRecord {
        let rows = try c.query("""
            UPDATE persons SET closed_on = $2, closure_reason = $3, closure_outcome = $4, version = version + 1, updated_at = now()
            WHERE person_id = $1 RETURNING \(PersonRecord.columns)
            """, [personId, date, reason.rawValue, outcome?.rawValue])
        return try PersonRecord(row: rows[0])
    }

    /// Open cases whose 7 years since entry are over, locked; rows another instance is
    /// closing right now are skipped (that instance publishes their closure).
    static func lockOpenCasesPastMaximum(today: CalendarDate, limit: Int, on c: PostgresConnection) throws -> [PersonRecord] {
        try c.query("""
            SELECT \(PersonRecord.columns) FROM persons
            WHERE closed_on IS NULL AND (entered_canton_on + interval '7 years')::date <= $1::date
            ORDER BY entered_canton_on, person_id LIMIT $2
            FOR UPDATE SKIP LOCKED
            """, [today, limit]).map(PersonRecord.init)
    }

    struct Transfer: Codable, RowDecodable {
        var transferId: Identifier
        var fromOrg: String
        var toOrg: String
        var effectiveOn: CalendarDate
        var reason: TransferReason
        var recordedBy: String
        var recordedAt: Date
    }

    /// The handovers of a case, oldest first; keyset pagination by (recorded_at, transfer_id).
    static func transfers(of personId: Identifier, after: Identifier?, limit: Int, on c: PostgresConnection) throws -> [Transfer] {
        try c.query("""
            SELECT transfer_id, from_org, to_org, effective_on, reason, actor_org AS recorded_by, recorded_at FROM responsibility_transfers
            WHERE person_id = $1
              AND ($2::uuid IS NULL OR (recorded_at, transfer_id) > (SELECT recorded_at, transfer_id FROM responsibility_transfers WHERE transfer_id = $2))
            ORDER BY recorded_at, transfer_id LIMIT $3
            """, [personId, after, limit]).map(Transfer.init)
    }

    /// Members of a household, only those of one municipality's cases when `municipality` is set.
    static func household(_ householdId: Identifier, municipality: Int?, after: Identifier?, limit: Int,
                          on c: PostgresConnection) throws -> [PersonRecord] {
        try c.query("""
            SELECT \(PersonRecord.columns) FROM persons
            WHERE household_id = $1 AND ($2::uuid IS NULL OR person_id > $2)
              AND ($4::text IS NULL OR responsible_org = 'municipality:' || $4 OR responsible_org LIKE 'delegate:%:' || $4)
            ORDER BY person_id LIMIT $3
            """, [householdId, after, limit, municipality.map(String.init)]).map(PersonRecord.init)
    }
}
