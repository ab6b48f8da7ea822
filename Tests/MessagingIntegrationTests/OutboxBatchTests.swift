import Foundation
import IASKafka
import IASMessaging
import IASPostgres
import IASRuntime
import XCTest

/// `Outbox.append(_:to:on:)` with many events: the same rows as one append per event, in the
/// given order, payload byte for byte.
final class OutboxBatchTests: XCTestCase {
    func testABatchIsStoredInOrderWithTheExactPayloads() throws {
        let pool = try MessagingTestSupport.freshPool()
        defer { pool.close() }
        let topic = "test.batch.\(UUID().uuidString.prefix(8))"
        var envelopes = (0..<300).map { _ in MessagingTestSupport.envelope() }
        // Characters that JSON escapes, inside the payload that travels as a JSON string.
        envelopes[7].subject = "quote \" backslash \\ newline \n tab \t ümlaut"
        try pool.transaction { try Outbox.append(envelopes, to: topic, on: $0) }
        try pool.transaction { try Outbox.append([], to: topic, on: $0) }

        let rows = try pool.withConnection {
            try $0.query("SELECT event_id, topic, partition_key, event_type, payload FROM outbox WHERE topic = $1 ORDER BY id", [topic])
        }
        XCTAssertEqual(rows.count, 300)
        for (row, envelope) in zip(rows, envelopes) {
            XCTAssertEqual(try row.identifier("event_id"), envelope.id)
            XCTAssertEqual(try row.string("partition_key"), envelope.subject)
            XCTAssertEqual(try row.string("event_type"), envelope.type)
            XCTAssertEqual(Array(try row.string("payload").utf8), try envelope.encoded())
        }
    }
}
