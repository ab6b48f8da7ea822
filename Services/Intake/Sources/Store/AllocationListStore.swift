import Foundation
import IASContracts
import IASMessaging
import IASPostgres
import IASRuntime

/// SQL of the list registration: a few set-based statements per list instead of several
/// statements per row. Every statement is parameterised; row sets travel as one JSON
/// parameter.
enum AllocationListStore {
    /// Takes the birth-date locks that `POST /persons` takes one at a time, for every birth date
    /// of the list, always in the order of the lock number, so that two lists (or a list and a
    /// single registration) wait for each other instead of deadlocking.
    static func lockBirthDates(_ dates: Set<CalendarDate>, on c: PostgresConnection) throws {
        guard !dates.isEmpty else { return }
        _ = try c.query("""
            SELECT pg_advisory_xact_lock(lock) FROM (
                SELECT DISTINCT hashtext(key) AS lock FROM jsonb_array_elements_text($1::jsonb) AS key ORDER BY 1
            ) AS locks
            """, [try PostgresJSON(dates.map(PersonLifecycleStore.birthDateLockKey))])
    }

    /// Registered persons holding one of these (normalised) ZEMIS numbers.
    static func persons(withZemis numbers: Set<String>, on c: PostgresConnection) throws -> [PersonRecord] {
        guard !numbers.isEmpty else { return [] }
        return try c.query("""
            SELECT \(PersonRecord.columns) FROM persons
            WHERE zemis_number IN (SELECT jsonb_array_elements_text($1::jsonb))
            """, [try PostgresJSON(numbers.sorted())]).map(PersonRecord.init)
    }

    /// Registered persons born on one of these days; per day the same 2000 that
    /// `PersonLifecycleStore.sameBirthDate` considers.
    static func persons(bornOn dates: Set<CalendarDate>, on c: PostgresConnection) throws -> [PersonRecord] {
        guard !dates.isEmpty else { return [] }
        return try c.query("""
            SELECT \(PersonRecord.columns) FROM (
                SELECT p.*, row_number() OVER (PARTITION BY date_of_birth ORDER BY created_at) AS rank FROM persons p
                WHERE date_of_birth IN (SELECT (jsonb_array_elements_text($1::jsonb))::date)
            ) AS ranked
            WHERE rank <= 2000
            ORDER BY created_at
            """, [try PostgresJSON(dates.map(\.description).sorted())]).map(PersonRecord.init)
    }

    static func insertList(_ listId: Identifier, _ list: AllocationListRequest, result: AllocationListResult, actor: Actor,
                           on c: PostgresConnection) throws {
        try c.execute("""
            INSERT INTO allocation_lists (list_id, list_ref, allocated_on, received, registered, duplicates, possible_duplicates,
                                          rejected, actor_sub, actor_org)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
            """, [listId, list.listRef.trimmingCharacters(in: .whitespaces), list.allocatedOn, result.received, result.registered,
                  result.duplicates, result.possibleDuplicates, result.rejected, actor.subject, actor.organisation])
    }

    /// Inserts all registrations with one statement; returns the stored persons in the order
    /// of `registrations`.
    static func insertAll(_ registrations: [AllocationTriage.Registration], listId: Identifier,
                          on c: PostgresConnection) throws -> [PersonRecord] {
        guard !registrations.isEmpty else { return [] }
        let rows = try c.query("""
            INSERT INTO persons (person_id, case_id, zemis_number, given_name, family_name, date_of_birth, sex, nationality,
                                 languages, status, entered_canton_on, status_decided_on, household_id, accommodation, responsible_org,
                                 duplicate_override_reason, allocation_list_id)
            SELECT person_id, case_id, zemis_number, given_name, family_name, date_of_birth, sex, nationality,
                   languages, status, entered_canton_on, status_decided_on, household_id, accommodation, responsible_org,
                   duplicate_override_reason, $2::uuid
            FROM jsonb_to_recordset($1::jsonb) AS r (
                person_id uuid, case_id uuid, zemis_number text, given_name text, family_name text, date_of_birth date, sex text,
                nationality text, languages jsonb, status text, entered_canton_on date, status_decided_on date, household_id uuid,
                accommodation text, responsible_org text, duplicate_override_reason text)
            RETURNING \(PersonRecord.columns)
            """, [try PostgresJSON(registrations.map(StoredPerson.init)), listId])
        let stored = Dictionary(try rows.map { row in let p = try PersonRecord(row: row); return (p.personId, p) }) { first, _ in first }
        return try registrations.map { registration in
            guard let person = stored[registration.personId] else {
                throw PostgresError(kind: .query, message: "the insert of row \(registration.row) returned no person; nothing was committed")
            }
            return person
        }
    }

    /// One row of the insert, named like the columns; the same values `PersonStore.insert` stores.
    private struct StoredPerson: Encodable {
        let person_id: Identifier
        let case_id: Identifier
        let zemis_number: String?
        let given_name: String
        let family_name: String
        let date_of_birth: CalendarDate
        let sex: String
        let nationality: String
        let languages: [String]
        let status: String
        let entered_canton_on: CalendarDate
        let status_decided_on: CalendarDate?
        let household_id: Identifier?
        let accommodation: String
        let responsible_org: String
        let duplicate_override_reason: String?

        init(_ registration: AllocationTriage.Registration) {
            let p = registration.request
            person_id = registration.personId
            case_id = registration.caseId
            zemis_number = registration.zemis
            given_name = p.storedGivenName
            family_name = p.storedFamilyName
            date_of_birth = p.dateOfBirth
            sex = p.sex.rawValue
            nationality = p.nationality
            languages = p.languages
            status = p.status.rawValue
            entered_canton_on = p.enteredCantonOn
            status_decided_on = p.statusDecidedOn
            household_id = p.householdId
            accommodation = p.accommodation.rawValue
            responsible_org = p.effectiveResponsibleOrg
            duplicate_override_reason = p.storedOverrideReason
        }
    }
}
