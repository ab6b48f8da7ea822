import IASPostgres
import IASRuntime

/// What a service does when a case has passed its retention: delete or anonymise every row of
/// the case that holds personal data, from its own tables only. The retention job calls it in
/// the transaction that also records the case in `erased_cases`, removes its registry entry,
/// its published outbox rows and the stored answers that disclosed it.
public struct CaseErasure: Sendable {
    /// Up to `limit` cases closed on or before `closedOnOrBefore` and not erased yet, locked
    /// for this transaction (`FOR UPDATE SKIP LOCKED`, so that instances share the work).
    public let due: @Sendable (_ closedOnOrBefore: CalendarDate, _ limit: Int, PostgresConnection) throws -> [Identifier]
    /// Erases the case's personal data; the number of rows deleted or anonymised.
    public let erase: @Sendable (Identifier, PostgresConnection) throws -> Int

    public init(due: @escaping @Sendable (CalendarDate, Int, PostgresConnection) throws -> [Identifier],
                erase: @escaping @Sendable (Identifier, PostgresConnection) throws -> Int) {
        self.due = due; self.erase = erase
    }

    /// For a service that knows its cases from the case registry (all but intake).
    public static func fromCaseRegistry(erase: @escaping @Sendable (Identifier, PostgresConnection) throws -> Int) -> CaseErasure {
        CaseErasure(due: { day, limit, c in
            try c.query("""
                SELECT case_id FROM case_registry WHERE closed_on <= $1
                ORDER BY closed_on, case_id LIMIT $2 FOR UPDATE SKIP LOCKED
                """, [day, limit]).map { try $0.identifier("case_id") }
        }, erase: erase)
    }
}

/// The marker of erased cases (`erased_cases`, component "retention"), and the lock that keeps
/// a consumer's transaction and the erasure of the same case apart: a consumer holds it shared
/// until it commits, the erasure takes it exclusively without waiting (a case it cannot take is
/// left for the next run), so an event applied while the case is erased cannot leave a row.
public enum ErasedCases {
    public static func contains(_ caseId: Identifier, on c: PostgresConnection) throws -> Bool {
        try !c.query("SELECT 1 FROM erased_cases WHERE case_id = $1", [caseId]).isEmpty
    }

    /// Waits for an erasure of the case under way, then says whether the case is erased.
    static func lockShared(_ caseId: Identifier, on c: PostgresConnection) throws -> Bool {
        // Two statements: the second one's snapshot is taken after the lock, so it sees the erasure's commit.
        let lock = sharedLock(caseId)
        try c.execute(lock.sql, lock.parameters)
        return try contains(caseId, on: c)
    }

    /// The consumer's side of the lock, held until its transaction ends.
    static func sharedLock(_ caseId: Identifier) -> PostgresStatement {
        PostgresStatement("SELECT pg_advisory_xact_lock_shared(hashtextextended('ias-erasure:' || $1, 0))", [caseId.description])
    }

    /// The exclusive lock of the erasure, or false when a consumer holds the case right now.
    static func tryLockForErasure(_ caseId: Identifier, on c: PostgresConnection) throws -> Bool {
        try c.query("SELECT pg_try_advisory_xact_lock(hashtextextended('ias-erasure:' || $1, 0)) AS locked", [caseId.description])
            .first?.bool("locked") ?? false
    }

    static func record(_ caseId: Identifier, on c: PostgresConnection) throws {
        try c.execute("INSERT INTO erased_cases (case_id) VALUES ($1) ON CONFLICT (case_id) DO NOTHING", [caseId])
    }
}
