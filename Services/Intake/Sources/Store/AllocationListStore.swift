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
                SELECT DISTINCT hashtext(key) AS lock FROM unnest($1::text[]) AS key ORDER BY 1
            ) AS locks
            """, [PostgresArray(dates.map(PersonLifecycleStore.birthDateLockKey))])
    }

    /// Registered persons holding one of these (normalised) ZEMIS numbers.
    static func persons(withZemis numbers: Set<String>, on c: PostgresConnection) throws -> [PersonRecord] {
        guard !numbers.isEmpty else { return [] }
        return try c.query("""
            SELECT \(PersonRecord.columns) FROM persons
            WHERE zemis_number = ANY($1::text[])
            """, [PostgresArray(numbers.sorted())]).map(PersonRecord.init)
    }

    /// Registered persons born on one of these days; per day the same 2000 that
    /// `PersonLifecycleStore.sameBirthDate` considers.
    static func persons(bornOn dates: Set<CalendarDate>, on c: PostgresConnection) throws -> [PersonRecord] {
        guard !dates.isEmpty else { return [] }
        return try c.query("""
            SELECT \(PersonRecord.columns) FROM (
                SELECT p.*, row_number() OVER (PARTITION BY date_of_birth ORDER BY created_at) AS rank FROM persons p
                WHERE date_of_birth = ANY($1::date[])
            ) AS ranked
            WHERE rank <= 2000
            ORDER BY created_at
            """, [PostgresArray(dates.sorted())]).map(PersonRecord.init)
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
}
