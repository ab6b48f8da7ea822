import Foundation
import IASContracts
import IASMessaging
import IASRuntime
import XCTest

/// The suite's encoder writes every event of the contract exactly as Foundation's encoder
/// wrote it, configured as the suite's JSON was (the events consumers have read so far):
/// each golden fixture's payload, its envelope, and the value the payload becomes.
final class EncoderIdentityFixtureTests: XCTestCase {
    private let reference = JSONEncoder()

    override func setUp() {
        reference.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        reference.dateEncodingStrategy = .custom { date, encoder in var c = encoder.singleValueContainer(); try c.encode(Timestamp.format(date)) }
    }

    private func check<Payload: EventPayload>(_ envelope: EventEnvelope, as type: Payload.Type, _ name: String) throws {
        let payload = try envelope.payload(type)
        let expected = try reference.encode(payload)
        XCTAssertEqual(String(decoding: try JSONCoding.encode(payload), as: UTF8.self), String(decoding: expected, as: UTF8.self), name)
        XCTAssertEqual(try JSONValue(encoding: payload), try JSONParser.parse(expected), name)
        let rebuilt = try EventEnvelope(payload, subject: envelope.subject, actor: Actor(subject: envelope.actorsub, organisation: envelope.actororg),
                                        correlationid: envelope.correlationid, causationid: envelope.causationid)
        XCTAssertEqual(try rebuilt.encoded(), Array(try reference.encode(rebuilt)), name)
        XCTAssertEqual(try envelope.encoded(), Array(try reference.encode(envelope)), name)
    }

    func testEveryFixtureIsWrittenAsTheReferenceWritesIt() throws {
        let names = try EventCatalogFixtureTests.fixtureNames()
        XCTAssertEqual(names.count, EventCatalog.all.count)
        for name in names {
            let envelope = try EventEnvelope.decode(try EventFixtureTests.fixture(String(name.dropLast(5))))
            let type = try XCTUnwrap(EventCatalog.payloadType(for: envelope.type), name)
            try check(envelope, as: type, name)
        }
    }
}
