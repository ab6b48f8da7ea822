import IASPostgres

/// What the checks compare, read from each database once. "In scope" means created since
/// `--since` (always, without it); "settled" means older than the grace period, so that an
/// event still on its way is not reported as missing.
struct Scope {
    let since: String?
    let graceSeconds: Int
}

struct OutboxEvent {
    let eventId: String
    let topic: String
    let caseId: String
    let settled: Bool   // published before the grace period began
    let inScope: Bool
}

struct ScopedId {
    let id: String
    let inScope: Bool
    var settled = true
}

struct MeasureState {
    let measureId: String
    let status: String
    let settled: Bool
}

struct BudgetFigures {
    let caseId: String
    let committed: Int
    let spent: Int
    let granted: Int
    let charged: Int
}

struct ApprovalSummary {
    var granted = false
    var rejected = false
}

/// The reads of one service database.
enum StoreReads {
    /// Outbox rows of `topics`, and the ids of unpublished rows older than the grace period.
    static func outbox(_ c: PostgresConnection, topics: [String], _ scope: Scope) throws -> (events: [OutboxEvent], backlog: [String]) {
        let events = try c.query("""
            SELECT event_id::text AS event_id, topic, partition_key,
                   coalesce(published_at < now() - make_interval(secs => $2::float8), false) AS settled,
                   ($1::timestamptz IS NULL OR created_at >= $1::timestamptz) AS in_scope
            FROM outbox WHERE topic = ANY($3::text[])
            """, [scope.since, scope.graceSeconds, "{" + topics.joined(separator: ",") + "}"]).map {
            OutboxEvent(eventId: try $0.string("event_id"), topic: try $0.string("topic"), caseId: try $0.string("partition_key"),
                        settled: try $0.bool("settled"), inScope: try $0.bool("in_scope"))
        }
        let backlog = try c.query("""
            SELECT id FROM outbox WHERE published_at IS NULL AND created_at < now() - make_interval(secs => $2::float8)
              AND ($1::timestamptz IS NULL OR created_at >= $1::timestamptz) ORDER BY id
            """, [scope.since, scope.graceSeconds]).map { String(try $0.int("id")) }
        return (events, backlog)
    }

    static func caseRegistry(_ c: PostgresConnection, _ scope: Scope) throws -> [ScopedId] {
        try c.query("""
            SELECT case_id::text AS id, ($1::timestamptz IS NULL OR updated_at >= $1::timestamptz) AS in_scope FROM case_registry
            """, [scope.since]).map { ScopedId(id: try $0.string("id"), inScope: try $0.bool("in_scope")) }
    }

    static func persons(_ c: PostgresConnection, _ scope: Scope) throws -> [ScopedId] {
        try c.query("""
            SELECT case_id::text AS id, ($1::timestamptz IS NULL OR created_at >= $1::timestamptz) AS in_scope,
                   created_at < now() - make_interval(secs => $2::float8) AS settled
            FROM persons
            """, [scope.since, scope.graceSeconds]).map {
            ScopedId(id: try $0.string("id"), inScope: try $0.bool("in_scope"), settled: try $0.bool("settled"))
        }
    }

    static func dossiers(_ c: PostgresConnection, _ scope: Scope) throws -> [ScopedId] {
        try c.query("""
            SELECT case_id::text AS id, ($1::timestamptz IS NULL OR registered_at >= $1::timestamptz) AS in_scope FROM cases
            """, [scope.since]).map { ScopedId(id: try $0.string("id"), inScope: try $0.bool("in_scope")) }
    }

    static func dossierInbox(_ c: PostgresConnection, _ scope: Scope) throws -> [ScopedId] {
        try c.query("""
            SELECT event_id::text AS id, ($1::timestamptz IS NULL OR received_at >= $1::timestamptz) AS in_scope
            FROM inbox WHERE consumer = 'dossier'
            """, [scope.since]).map { ScopedId(id: try $0.string("id"), inScope: try $0.bool("in_scope")) }
    }

    /// Event id → case id of every timeline row.
    static func timeline(_ c: PostgresConnection) throws -> [String: String] {
        var result: [String: String] = [:]
        for row in try c.query("SELECT event_id::text AS event_id, case_id FROM timeline") {
            result[try row.string("event_id")] = try row.string("case_id")
        }
        return result
    }

    /// Plan measures that need a cost approval (funded by the lump sum or another source).
    static func measuresNeedingApproval(_ c: PostgresConnection, _ scope: Scope) throws -> [MeasureState] {
        try c.query("""
            SELECT measure_id::text AS measure_id, status, updated_at < now() - make_interval(secs => $2::float8) AS settled
            FROM measures WHERE funding_source IN ('lump_sum', 'other') AND ($1::timestamptz IS NULL OR created_at >= $1::timestamptz)
            """, [scope.since, scope.graceSeconds]).map {
            MeasureState(measureId: try $0.string("measure_id"), status: try $0.string("status"), settled: try $0.bool("settled"))
        }
    }
}
