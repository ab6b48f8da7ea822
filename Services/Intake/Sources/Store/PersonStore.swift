import Foundation
import IASContracts
import IASMessaging
import IASPostgres
import IASRuntime

/// SQL for persons; every statement is parameterised.
enum PersonStore {
    /// Stores registrations with one statement, a single one and a whole allocation list alike
    /// (`listId`): each row is the registration's event, so what is stored is what is published.
    /// Returns the stored persons in the order of `registrations`.
    static func insert(_ registrations: [AllocationTriage.Registration], listId: Identifier?,
                       on c: PostgresConnection) throws -> [PersonRecord] {
        guard !registrations.isEmpty else { return [] }
        let rows = try c.query("""
            INSERT INTO persons (person_id, case_id, zemis_number, given_name, family_name, date_of_birth, sex, nationality,
                                 languages, status, entered_canton_on, status_decided_on, household_id, accommodation, responsible_org,
                                 duplicate_override_reason, allocation_list_id)
            SELECT "personId", "caseId", "zemisNumber", "givenName", "familyName", "dateOfBirth", sex, nationality,
                   languages, status, "enteredCantonOn", "statusDecidedOn", "householdId", accommodation, "responsibleOrg",
                   "duplicateOverrideReason", $2::uuid
            FROM jsonb_to_recordset($1::jsonb) AS r (
                "personId" uuid, "caseId" uuid, "zemisNumber" text, "givenName" text, "familyName" text, "dateOfBirth" date,
                sex text, nationality text, languages jsonb, status text, "enteredCantonOn" date, "statusDecidedOn" date,
                "householdId" uuid, accommodation text, "responsibleOrg" text, "duplicateOverrideReason" text)
            RETURNING \(PersonRecord.columns)
            """, [try PostgresJSON(registrations.map(\.event)), listId])
        let stored = Dictionary(try rows.map { row in let p = try PersonRecord(row: row); return (p.personId, p) }) { first, _ in first }
        return try registrations.map { registration in
            guard let person = stored[registration.personId] else {
                throw PostgresError(kind: .query, message: "the insert of row \(registration.row) returned no person; nothing was committed")
            }
            return person
        }
    }

    static func find(_ personId: Identifier, on c: PostgresConnection) throws -> PersonRecord? {
        try c.query("SELECT \(PersonRecord.columns) FROM persons WHERE person_id = $1", [personId]).first.map(PersonRecord.init)
    }

    static func findByZemis(_ zemis: String, on c: PostgresConnection) throws -> PersonRecord? {
        try c.query("SELECT \(PersonRecord.columns) FROM persons WHERE zemis_number = $1", [zemis]).first.map(PersonRecord.init)
    }

    struct Filter {
        var zemisNumber: String?
        var familyName: String?
        /// Compared without regard to case, as the family name.
        var givenName: String?
        var dateOfBirth: CalendarDate?
        var responsibleOrg: String?
        /// Only cases of this municipality (directly or through a delegate).
        var municipality: Int?
        var after: Identifier?
        var limit: Int
    }

    /// Keyset pagination by person id: stable under concurrent inserts, no OFFSET scans.
    static func search(_ f: Filter, on c: PostgresConnection) throws -> [PersonRecord] {
        try c.query("""
            SELECT \(PersonRecord.columns) FROM persons
            WHERE ($1::text IS NULL OR zemis_number = $1)
              AND ($2::text IS NULL OR lower(family_name) = lower($2))
              AND ($3::text IS NULL OR responsible_org = $3)
              AND ($4::uuid IS NULL OR person_id > $4)
              AND ($6::text IS NULL OR responsible_org = 'municipality:' || $6 OR responsible_org LIKE 'delegate:%:' || $6)
              AND ($7::text IS NULL OR lower(given_name) = lower($7))
              AND ($8::date IS NULL OR date_of_birth = $8)
            ORDER BY person_id
            LIMIT $5
            """, [f.zemisNumber, f.familyName, f.responsibleOrg, f.after, f.limit, f.municipality.map(String.init),
                  f.givenName, f.dateOfBirth]).map(PersonRecord.init)
    }
}

/// How a registration's text is stored: one place for the single and the list registration.
extension RegisterPersonRequest {
    var storedGivenName: String { givenName.trimmingCharacters(in: .whitespaces) }
    var storedFamilyName: String { familyName.trimmingCharacters(in: .whitespaces) }
    var storedOverrideReason: String? { duplicateOverride?.reason.trimmingCharacters(in: .whitespacesAndNewlines) }
}
