import Foundation
import IASContracts
import IASMessaging
import IASRuntime
import XCTest

/// Golden JSON fixtures of every event type: producers must keep producing them, consumers
/// must keep reading them.
final class EventFixtureTests: XCTestCase {
    static func fixture(_ name: String) throws -> [UInt8] {
        let url = try XCTUnwrap(Bundle.module.url(forResource: "Fixtures/events/\(name)", withExtension: "json"),
                                "missing fixture \(name)")
        return Array(try Data(contentsOf: url))
    }

    func testPersonRegisteredFixtureDecodesIntoTheContractType() throws {
        let envelope = try EventEnvelope.decode(Self.fixture("intake.PersonRegistered.v1"))
        let data = try envelope.payload(PersonRegistered.self)
        XCTAssertEqual(envelope.subject, data.caseId.description)
        XCTAssertEqual(data.status, .FL)
        XCTAssertEqual(data.languages, ["ti", "ar"])
        XCTAssertEqual(data.dateOfBirth, CalendarDate("1988-05-14"))
        XCTAssertEqual(data.responsibleOrg, "canton:KSD")
    }

    func testReEncodingTheFixtureKeepsEveryMember() throws {
        let original = try JSONParser.parse(Self.fixture("intake.PersonRegistered.v1"))
        let envelope = try EventEnvelope.decode(Self.fixture("intake.PersonRegistered.v1"))
        let typed = try envelope.payload(PersonRegistered.self)
        var rebuilt = envelope
        rebuilt.data = try JSONValue(encoding: typed)
        let reencoded = try JSONParser.parse(try rebuilt.encoded())
        XCTAssertEqual(reencoded, original)
    }

    func testEnvelopeIsCloudEventsWithLowercaseIdentifiers() throws {
        let envelope = try EventEnvelope(
            PersonRegistered(personId: Identifier(), caseId: Identifier(), zemisNumber: nil, givenName: "A", familyName: "B",
                             dateOfBirth: CalendarDate("2000-01-01")!, sex: .female, nationality: "AF", languages: ["ps"],
                             status: .N, enteredCantonOn: CalendarDate("2026-01-01")!, statusDecidedOn: nil, householdId: nil,
                             accommodation: .cantonal, responsibleOrg: "canton:KSD"),
            subject: "case-1", actor: Actor(subject: "u", organisation: "canton:KSD"), correlationid: Identifier())
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(envelope.encoded())) as? [String: Any])
        XCTAssertEqual(json["specversion"] as? String, "1.0")
        XCTAssertEqual(json["type"] as? String, "intake.PersonRegistered")
        XCTAssertEqual(json["source"] as? String, "/ias/intake")
        XCTAssertEqual(json["dataversion"] as? Int, 1)
        let id = try XCTUnwrap(json["id"] as? String)
        XCTAssertEqual(id, id.lowercased())
        XCTAssertNotNil(Timestamp.parse(try XCTUnwrap(json["time"] as? String)))
    }

    func testMalformedEnvelopesAreRejectedWithAReasonNotACrash() {
        for bytes in ["", "{", "[]", #"{"specversion":"1.0"}"#, "\u{0}\u{1}garbage"].map({ Array($0.utf8) }) {
            XCTAssertThrowsError(try EventEnvelope.decode(bytes)) { error in
                XCTAssertTrue(error is EventRejected, "\(error)")
            }
        }
    }

    func testAPayloadOfAnotherTypeOrVersionIsRejected() throws {
        var envelope = try EventEnvelope.decode(Self.fixture("intake.PersonRegistered.v1"))
        envelope.dataversion = 2
        XCTAssertThrowsError(try envelope.payload(PersonRegistered.self))
        envelope.dataversion = 1
        envelope.data = .object(["caseId": .string("x")])
        XCTAssertThrowsError(try envelope.payload(PersonRegistered.self)) { error in
            XCTAssertTrue(String(describing: error).contains("data does not match: personId: is required"), "\(error)")
        }
    }
}
