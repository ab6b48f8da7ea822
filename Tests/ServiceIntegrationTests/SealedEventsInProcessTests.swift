import CostsService
import Foundation
import IASContracts
import IASMessaging
import IASPostgres
import IASRuntime
@testable import IASServiceKit
import IntakeService
import TestSupport
import XCTest

/// The personal data of intake's events, sealed per case, through intake and a consumer (costs,
/// whose case registry needs the birth date) against PostgreSQL: intake issues the key before
/// the registration and seals the registration and a correction; the consumer waits for the key
/// (retried, never dead-lettered), opens the events with it, and once the key is destroyed
/// skips the case's events.
final class SealedEventsInProcessTests: XCTestCase {
    nonisolated(unsafe) static var intake: InProcessService!
    nonisolated(unsafe) static var costs: InProcessService!
    let canton = TestEnvironment.token(org: "canton:KSD")

    override class func setUp() {
        super.setUp()
        do {
            intake = try InProcessService("intake", module: "IntakeService", publishes: IntakeApp.topics) { IntakeApp(host: $0).register() }
            costs = try InProcessService("costs", module: "CostsService", publishes: [Topics.costs], usesCaseRegistry: true) {
                CostsApp(host: $0).register()
            }
        } catch { fatalError("intake or costs did not start in process: \(error)") }
    }

    override class func tearDown() {
        intake = nil; costs = nil
        super.tearDown()
    }

    private func birthDate(of caseId: Identifier) throws -> String? {
        try Self.costs.host.pool.withConnection { c in
            try c.query("SELECT date_of_birth::text AS d FROM case_registry WHERE case_id = $1", [caseId]).first?.string("d")
        }
    }

    func testSealedRegistrationAndCorrectionOpenWithTheCaseKeyAndNotAfterItsDestruction() throws {
        var person = NewPerson.sample(givenName: "Sigilla", familyName: "Versiegelt-\(UUID().uuidString.prefix(8))", dateOfBirth: "1979-04-17")
        person.enteredCantonOn = "2025-01-10"
        let answer = try Self.intake.request("POST", "/persons", token: canton, body: person)
        XCTAssertEqual(answer.status, 201, String(decoding: answer.body, as: UTF8.self))
        let registered = try JSONParser.parse(answer.body).decode(CaseAPI.Registered.self)
        let caseId = try XCTUnwrap(Identifier(registered.caseId))

        // The key first, on its own topic; the registration after it, sealed.
        let events = try Self.intake.published().filter { $0.envelope.subject == registered.caseId && IntakeApp.topics.contains($0.topic) }
        XCTAssertEqual(events.map(\.envelope.type), [CaseKeyIssued.eventType, PersonRegistered.eventType])
        let keyEvent = try XCTUnwrap(events.first { $0.topic == Topics.caseKeys })
        let registration = try XCTUnwrap(events.first { $0.topic == Topics.intake }).envelope
        XCTAssertEqual(registration.dataversion, 2)
        let wire = String(decoding: try registration.encoded(), as: UTF8.self)
        for personal in [person.familyName, person.givenName, person.dateOfBirth, try XCTUnwrap(person.zemisNumber)] {
            XCTAssertFalse(wire.contains(personal), "\(personal) is readable: \(wire)")
        }
        XCTAssertFalse(String(decoding: try keyEvent.envelope.encoded(), as: UTF8.self).contains(person.familyName))

        // Before its key the registration waits (a passing error: the processor retries it), and leaves nothing.
        XCTAssertThrowsError(try Self.costs.apply(registration, topic: Topics.intake)) { error in
            XCTAssertTrue(error is CaseEventKeys.KeyPending, "\(error)")
            XCTAssertFalse(error is EventRejected)
        }
        XCTAssertNil(try birthDate(of: caseId))
        XCTAssertEqual(try Self.costs.apply(keyEvent.envelope, topic: Topics.caseKeys), [true])
        XCTAssertTrue(try Self.costs.apply(registration, topic: Topics.intake).contains(true))
        XCTAssertEqual(try birthDate(of: caseId), "1979-04-17", "the registry read the opened birth date")

        // A correction of the birth date travels sealed as well and opens with the same key.
        let current = try Self.intake.request("GET", "/persons/\(registered.personId)", token: canton)
        let etag = try XCTUnwrap(current.headers["etag"])
        let corrected = try Self.intake.request("PATCH", "/persons/\(registered.personId)", token: canton,
                                                json: .object(["dateOfBirth": .string("1979-04-18")]), headers: [("If-Match", etag)])
        XCTAssertEqual(corrected.status, 200, String(decoding: corrected.body, as: UTF8.self))
        let correction = try XCTUnwrap(try Self.intake.published(type: PersonDataCorrected.eventType).last { $0.envelope.subject == registered.caseId })
        XCTAssertEqual(correction.envelope.dataversion, 2)
        XCTAssertFalse(String(decoding: try correction.envelope.encoded(), as: UTF8.self).contains("1979-04-18"))
        XCTAssertEqual(try Self.intake.published(type: CaseKeyIssued.eventType).filter { $0.envelope.subject == registered.caseId }.count, 1,
                       "one key per case")
        XCTAssertTrue(try Self.costs.apply(correction.envelope, topic: Topics.intake).contains(true))
        XCTAssertEqual(try birthDate(of: caseId), "1979-04-18")

        // A seal moved into an event of another type does not open: never applicable, dead-lettered.
        var moved = correction.envelope
        moved.id = Identifier()
        moved.type = PersonRegistered.eventType
        XCTAssertThrowsError(try Self.costs.apply(moved, topic: Topics.intake)) { XCTAssertTrue($0 is EventRejected, "\($0)") }

        // Destroyed: the consumer keeps no key, and the case's events are skipped from then on.
        let destroyed = try EventEnvelope(CaseKeyDestroyed(caseId: caseId), subject: registered.caseId, actor: .system, correlationid: Identifier())
        XCTAssertEqual(try Self.costs.apply(destroyed, topic: Topics.caseKeys), [true])
        XCTAssertEqual(try Self.costs.host.pool.withConnection { try CaseEventKeys.stored(caseId, on: $0) }, .destroyed)
        let closure = try EventEnvelope(CaseClosed(personId: try XCTUnwrap(Identifier(registered.personId)), caseId: caseId, reason: .leftCanton,
                                                   closedOn: CalendarDate("2026-06-30")!),
                                        subject: registered.caseId, actor: .system, correlationid: Identifier())
        XCTAssertTrue(try Self.costs.apply(closure, topic: Topics.intake).contains(true))
        let open = try Self.costs.host.pool.withConnection { c in
            try c.query("SELECT count(*) AS n FROM case_registry WHERE case_id = $1 AND closed_on IS NULL", [caseId])[0].int("n")
        }
        XCTAssertEqual(open, 1, "the closure of a case whose key is destroyed is skipped")
    }
}
