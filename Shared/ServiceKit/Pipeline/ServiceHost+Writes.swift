import Foundation
import IASContracts
import IASHTTP
import IASMessaging
import IASPostgres
import IASRuntime

extension ServiceHost {
    /// The write of a request, in one transaction: the state change, the events it appends to
    /// the outbox and the request's audit record commit together or not at all.
    ///
    /// With an `Idempotency-Key`, the first response to a key is stored in the same
    /// transaction and returned again for every repetition (audited with the records the first
    /// answer named); a different request under the same key is refused with 422.
    ///
    /// An answer whose write emitted events names the last of them in `IAS-Event-Id` (a
    /// replay names the same): a later request to any service that sends it back in
    /// `IAS-Await-Event` is answered once that service has applied it (`AwaitedEvents`).
    public func write(_ context: RequestContext, _ body: (PostgresConnection) throws -> HTTPResponse) throws -> HTTPResponse {
        let request = context.request
        guard let key = request.header("Idempotency-Key") else {
            return try audited(context) { connection in try namingLastEvent(body, connection) }
        }
        guard (1...200).contains(key.utf8.count) else {
            throw Problem.badRequest("Idempotency-Key must be 1 to 200 characters", errors: [FieldError(field: "Idempotency-Key", message: "must be 1 to 200 characters")])
        }
        let scope = "\(request.method) \(request.path) \(context.principal.organisation) \(context.principal.subject)"
        let hash = RequestHash.of(request)
        do {
            return try audited(context) { connection in
                if let stored = try connection.query(
                    "SELECT request_hash, status, body, disclosed, event_id FROM idempotency_keys WHERE scope = $1 AND key = $2",
                    [scope, key]).first {
                    guard try stored.string("request_hash") == hash else {
                        throw Problem.unprocessable("this Idempotency-Key was already used for a different request")
                    }
                    context.disclose(try stored.json([DisclosedRecord].self, "disclosed"))
                    var response = HTTPResponse.text(try stored.string("body"), status: try stored.int("status"), contentType: "application/json")
                    response.headers.add("Idempotent-Replayed", "true")
                    if let event = try stored.optionalIdentifier("event_id") { response.headers.add(EventHeaders.eventId, event.description) }
                    return response
                }
                let response = try namingLastEvent(body, connection)
                try connection.execute("""
                    INSERT INTO idempotency_keys (scope, key, request_hash, status, body, disclosed, event_id)
                    VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7)
                    """,
                    [scope, key, hash, response.status, String(decoding: response.body, as: UTF8.self),
                     try PostgresJSON(context.declaration.records), response.headers[EventHeaders.eventId]])
                return response
            }
        } catch let error as PostgresError where error.isUniqueViolation && error.constraint == "idempotency_keys_pkey" {
            return try write(context, body)   // a concurrent twin won; answer with its response
        }
    }

    /// Runs `body` in a transaction that also appends the request's audit record, with the
    /// status of the answer; the record counts as written once the transaction committed. A
    /// refusal thrown by `body` rolls everything back and is audited by `AuditRecording`.
    private func audited(_ context: RequestContext, _ body: (PostgresConnection) throws -> HTTPResponse) throws -> HTTPResponse {
        let response = try write { connection -> HTTPResponse in
            let response = try body(connection)
            if AuditRecording.audits(context.permission) {
                try Outbox.append(try auditEnvelope(context, status: response.status), to: Topics.audit, on: connection)
            }
            return response
        }
        context.declaration.markAudited()
        return response
    }

    /// `body`'s answer with the last event it emitted named in `IAS-Event-Id`, whichever
    /// emitter wrote it (the service's own topic, coordination's timeline, a partner's topic).
    /// The request's audit record is no event of the write and is never named.
    private func namingLastEvent(_ body: (PostgresConnection) throws -> HTTPResponse, _ connection: PostgresConnection) throws -> HTTPResponse {
        let emitted = EmittedEvents()
        var response = try Emitter.$emitted.withValue(emitted) { try body(connection) }
        if let event = emitted.last { response.headers.set(EventHeaders.eventId, event.description) }
        return response
    }
}
