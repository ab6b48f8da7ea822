import IASPostgres

/// What `ias-admin check-consistency` compares, read by the code that owns each table, so that
/// the operator tool holds the comparison and no SQL of its own. "In scope" means created since
/// `--since` (always, without it); "settled" means older than the grace period, so that an
/// event still on its way is not reported as missing.
public struct ConsistencyScope: Sendable {
    public let since: String?
    public let graceSeconds: Int
    public init(since: String?, graceSeconds: Int) { self.since = since; self.graceSeconds = graceSeconds }
}

public struct ScopedId: Sendable {
    public let id: String
    public let inScope: Bool
    public var settled = true
    public init(id: String, inScope: Bool, settled: Bool = true) { self.id = id; self.inScope = inScope; self.settled = settled }
}

public struct OutboxEvent: Sendable {
    public let eventId: String
    public let topic: String
    public let caseId: String
    /// Published before the grace period began.
    public let settled: Bool
    public let inScope: Bool
}

/// The reads of the tables every service has: outbox, inbox, case registry.
public enum ConsistencyReads {
    /// Outbox rows of `topics`, and the ids of unpublished rows older than the grace period.
    public static func outbox(_ c: PostgresConnection, topics: [String], _ scope: ConsistencyScope) throws -> (events: [OutboxEvent], backlog: [String]) {
        let events = try c.query("""
            SELECT event_id::text AS event_id, topic, partition_key,
                   coalesce(published_at < now() - make_interval(secs => $2::float8), false) AS settled,
                   ($1::timestamptz IS NULL OR created_at >= $1::timestamptz) AS in_scope
            FROM outbox WHERE topic = ANY($3::text[])
            """, [scope.since, scope.graceSeconds, PostgresArray(topics)]).map {
            OutboxEvent(eventId: try $0.string("event_id"), topic: try $0.string("topic"), caseId: try $0.string("partition_key"),
                        settled: try $0.bool("settled"), inScope: try $0.bool("in_scope"))
        }
        let backlog = try c.query("""
            SELECT id FROM outbox WHERE published_at IS NULL AND created_at < now() - make_interval(secs => $2::float8)
              AND ($1::timestamptz IS NULL OR created_at >= $1::timestamptz) ORDER BY id
            """, [scope.since, scope.graceSeconds]).map { String(try $0.int("id")) }
        return (events, backlog)
    }

    /// The events a consumer has applied.
    public static func inbox(_ c: PostgresConnection, consumer: String, _ scope: ConsistencyScope) throws -> [ScopedId] {
        try c.query("""
            SELECT event_id::text AS id, ($1::timestamptz IS NULL OR received_at >= $1::timestamptz) AS in_scope
            FROM inbox WHERE consumer = $2
            """, [scope.since, consumer]).map { ScopedId(id: try $0.string("id"), inScope: try $0.bool("in_scope")) }
    }

    public static func caseRegistry(_ c: PostgresConnection, _ scope: ConsistencyScope) throws -> [ScopedId] {
        try c.query("""
            SELECT case_id::text AS id, ($1::timestamptz IS NULL OR updated_at >= $1::timestamptz) AS in_scope FROM case_registry
            """, [scope.since]).map { ScopedId(id: try $0.string("id"), inScope: try $0.bool("in_scope")) }
    }
}
