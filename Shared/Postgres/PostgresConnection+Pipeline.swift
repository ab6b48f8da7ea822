import Foundation
internal import CLibPQ

extension PostgresConnection {
    /// Runs several statements in one round trip (libpq pipeline mode) and returns the rows
    /// of each, in order. A view assembled from many small queries (the dossier) otherwise
    /// pays one round trip and one wake-up of both processes per query.
    ///
    /// With `isolation`, the statements run in one transaction of that level, its BEGIN and
    /// COMMIT in the same round trip: REPEATABLE READ gives them one snapshot. On a connection
    /// already in a transaction they run in that transaction instead. The first failing
    /// statement's error is thrown; the statements after it do not run.
    public func query(_ batch: [PostgresStatement], isolation: IsolationLevel? = nil) throws -> [[PostgresRow]] {
        let texts = try batch.enumerated().map { i, statement in try Self.texts(of: statement.parameters, statement: i) }
        let connection = try openHandle()
        let ownTransaction = isolation != nil && PQtransactionStatus(connection) == PQTRANS_IDLE
        var attempt = 0
        while true {
            attempt += 1
            // Preparing is a round trip of its own, once per statement and connection.
            let names = try batch.indices.map { try preparedName(for: batch[$0].sql, connection, texts[$0]) }
            do {
                return try runPipeline(batch, texts, names, begin: ownTransaction ? "BEGIN ISOLATION LEVEL \(isolation!.sql)" : nil, connection)
            } catch let error as PostgresError where attempt == 1 && forgetStaleStatements(after: error, sql: batch.map(\.sql)) {
                // Prepared again on the next attempt; retried once.
                if ownTransaction { rollbackIfNeeded() }
                if isBroken || PQtransactionStatus(connection) != PQTRANS_IDLE { throw error }
            }
        }
    }

    private func runPipeline(_ batch: [PostgresStatement], _ texts: [[String?]], _ names: [String?], begin: String?,
                             _ connection: OpaquePointer) throws -> [[PostgresRow]] {
        guard PQenterPipelineMode(connection) == 1 else {
            throw PostgresError(kind: .query, message: "cannot enter pipeline mode (the connection is busy)")
        }
        var sent = 0
        var sendFailed = false
        func send(_ ok: Int32) { if ok == 1 { sent += 1 } else { sendFailed = true } }
        if let begin { send(PQsendQueryParams(connection, begin, 0, nil, nil, nil, nil, 0)) }
        for (i, statement) in batch.enumerated() where !sendFailed {
            withCStringArray(texts[i]) { values in
                if let name = names[i] {
                    send(PQsendQueryPrepared(connection, name, Int32(values.count), values, nil, nil, 0))
                } else {
                    send(PQsendQueryParams(connection, statement.sql, Int32(values.count), nil, values, nil, nil, 0))
                }
            }
        }
        if begin != nil, !sendFailed { send(PQsendQueryParams(connection, "COMMIT", 0, nil, nil, nil, nil, 0)) }
        if PQpipelineSync(connection) != 1 { sendFailed = true }
        if sendFailed {
            let error = failure(of: nil, connection, parameters: []) ?? PostgresError(kind: .unavailable, message: "the pipeline could not be sent")
            isBroken = true   // part of a pipeline may be on its way: the session cannot be trusted
            throw error
        }

        // One result per statement sent (each followed by nil), then the sync.
        var results: [[PostgresRow]] = []
        results.reserveCapacity(batch.count)
        var firstError: PostgresError?
        let statementOffset = begin == nil ? 0 : 1
        for command in 0..<sent {
            guard let result = PQgetResult(connection) else { throw lost(connection) }
            defer { PQclear(result) }
            let status = PQresultStatus(result)
            if status == PGRES_PIPELINE_ABORTED {
                // Skipped after an earlier failure, which is the error to report.
            } else if let error = failure(of: result, connection, parameters: texts[safe: command - statementOffset] ?? []) {
                if firstError == nil { firstError = error }
                if isBroken { throw error }
            } else if (statementOffset..<statementOffset + batch.count).contains(command) {
                results.append(Self.rows(of: result))
            }
            guard PQgetResult(connection) == nil else { throw lost(connection) }
        }
        guard let sync = PQgetResult(connection) else { throw lost(connection) }
        let synced = PQresultStatus(sync) == PGRES_PIPELINE_SYNC
        PQclear(sync)
        guard synced, PQexitPipelineMode(connection) == 1 else { throw lost(connection) }
        if let firstError {
            rollbackIfNeeded()   // BEGIN succeeded and a statement failed: the transaction is aborted
            throw firstError
        }
        return results
    }

    /// The reply did not have the shape a pipeline's has: the session is discarded.
    private func lost(_ connection: OpaquePointer) -> PostgresError {
        isBroken = true
        return failure(of: nil, connection, parameters: [])
            ?? PostgresError(kind: .unavailable, message: "the server's reply to a pipeline was incomplete; the connection is discarded")
    }
}

private extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
