import Foundation
import IASHTTP
import IASMessaging
import IASPostgres
import IASRuntime

/// `IAS-Await-Event: <id>[, <id>…]`: the request waits, before its handler runs, until this
/// service has every named event, at most `IAS_AWAIT_EVENT_SECONDS`; then 503 with
/// `Retry-After` naming the events it still lacks. A malformed value is 400 naming the
/// header. It runs after `Authentication` and `AccessControl`, so that only a caller who may
/// make the request holds a thread while it waits (and the wait holds no database connection).
struct AwaitedEvents: RouteMiddleware {
    let host: ServiceHost

    func respond(to call: RouteCall, next: (RouteCall) throws -> HTTPResponse) throws -> HTTPResponse {
        let values = call.request.headers.values(EventHeaders.awaitEvent)
        guard !values.isEmpty else { return try next(call) }
        try host.awaitEvents(try Self.parse(values), within: host.configuration.awaitEventSeconds)
        return try next(call)
    }

    /// The ids of every `IAS-Await-Event` field, each a UUID, at most `EventHeaders.maxAwaited`.
    static func parse(_ values: [String]) throws -> [Identifier] {
        let texts = values.flatMap { $0.split(separator: ",", omittingEmptySubsequences: false) }
            .map { $0.trimmingCharacters(in: CharacterSet(charactersIn: " \t")) }
        let ids = texts.compactMap(Identifier.init)
        guard ids.count == texts.count, !ids.isEmpty else {
            throw malformed("must be one or more event ids (UUIDs), separated by commas")
        }
        guard ids.count <= EventHeaders.maxAwaited else {
            throw malformed("names at most \(EventHeaders.maxAwaited) event ids")
        }
        var seen = Set<Identifier>()
        return ids.filter { seen.insert($0).inserted }
    }

    private static func malformed(_ message: String) -> Problem {
        Problem.badRequest("\(EventHeaders.awaitEvent) \(message)", errors: [FieldError(field: EventHeaders.awaitEvent, message: message)])
    }
}

/// Wakes the requests waiting for events whenever one of the service's consumers committed
/// applied events, so that they look again at once instead of at their next poll.
final class EventArrivals: @unchecked Sendable {
    private let condition = MonotonicCondition()
    private var count: UInt64 = 0

    /// Changes with every commit of applied events.
    var generation: UInt64 {
        condition.lock()
        defer { condition.unlock() }
        return count
    }

    func signal() {
        condition.lock()
        count &+= 1
        condition.broadcast()
        condition.unlock()
    }

    /// Returns when the generation moved past `seen` or after `seconds`.
    func wait(after seen: UInt64, seconds: Double) {
        let deadline = MonotonicClock.now() + seconds
        condition.lock()
        while count == seen, condition.wait(until: deadline) {}
        condition.unlock()
    }
}

extension ServiceHost {
    /// How often a waiting request looks again when no consumer of this process woke it
    /// (another replica may have applied the event).
    static let awaitPollSeconds = 0.02

    /// Returns once this service has every event of `ids` (see `missingEvents`), looking at
    /// once, then whenever a consumer of this process commits and at least every 20 ms;
    /// after `seconds`, 503 with `Retry-After: 1` naming what is still missing.
    func awaitEvents(_ ids: [Identifier], within seconds: Double) throws {
        let started = MonotonicClock.now()
        let deadline = started + seconds
        var missing = ids
        while true {
            let seen = eventArrivals.generation
            missing = try pool.withConnection { try missingEvents(missing, on: $0) }
            let now = MonotonicClock.now()
            if missing.isEmpty || now >= deadline {
                metrics.observe("ias_event_await_seconds", help: "Time requests waited for the events named in IAS-Await-Event, by outcome.",
                                labels: ["outcome": missing.isEmpty ? "applied" : "timeout"], value: now - started,
                                buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10])
                guard missing.isEmpty else { break }
                return
            }
            eventArrivals.wait(after: seen, seconds: min(deadline - now, Self.awaitPollSeconds))
        }
        let named = missing.map(\.description).joined(separator: ", ")
        throw Problem.unavailable(
            "\(configuration.serviceName) has not applied \(missing.count == 1 ? "event" : "events") \(named) yet (waited \(Self.format(seconds)) s, \(EventHeaders.awaitEvent)); try again",
            retryAfterSeconds: 1)
    }

    /// The events of `ids` this service does not have yet. It has an event it produced (in its
    /// outbox), and one that every one of its consumers reading the event's topic applied (in
    /// their inbox, which the service learns the topic from). Neither table is ever pruned, so
    /// an old event is found as surely as a new one. An event a consumer dead-lettered is never
    /// applied by it: its wait ends in 503.
    func missingEvents(_ ids: [Identifier], on c: PostgresConnection) throws -> [Identifier] {
        guard !ids.isEmpty else { return [] }
        let consumers = Set(subscriptions.map(\.name))
        // One statement: the outbox by its unique event id, the inbox by its primary key
        // (consumer, event_id) for this service's consumers.
        let rows = try c.query("""
            SELECT event_id, topic, NULL::text AS consumer FROM outbox WHERE event_id = ANY($1::uuid[])
            UNION ALL
            SELECT event_id, topic, consumer FROM inbox WHERE consumer = ANY($2::text[]) AND event_id = ANY($1::uuid[])
            """, [PostgresArray(ids), PostgresArray(consumers.sorted())])
        var produced = Set<Identifier>()
        var appliedBy: [Identifier: (topic: String, consumers: Set<String>)] = [:]
        for row in rows {
            let id = try row.identifier("event_id")
            guard let consumer = try row.optionalString("consumer") else { produced.insert(id); continue }
            let topic = try row.string("topic")
            appliedBy[id, default: (topic, [])].consumers.insert(consumer)
        }
        return ids.filter { id in
            if produced.contains(id) { return false }
            guard let applied = appliedBy[id] else { return true }
            let readers = subscriptions.filter { $0.topics.contains(applied.topic) }.map(\.name)
            return !Set(readers).isSubset(of: applied.consumers)
        }
    }

    private static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
    }
}
