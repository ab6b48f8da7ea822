import CoordinationService
import Foundation
import IASContracts
import IASCrypto
import IASHTTP
import IASRuntime
import IASServiceKit
import IntakeService
import TestSupport
import XCTest

/// Reading one's own writes, in process against PostgreSQL: a write names the event it emitted
/// (`IAS-Event-Id`, also on a replay), and a request naming events (`IAS-Await-Event`) waits
/// until the service produced them or every consumer of theirs applied them, else 503 after
/// the bound (here 0.5 s); a malformed value is 400; a caller without a valid token or the
/// route's permission is refused without waiting.
final class AwaitEventInProcessTests: XCTestCase {
    nonisolated(unsafe) static var intake: InProcessService!
    nonisolated(unsafe) static var coordination: InProcessService!
    static let bound = 0.5
    let canton = TestEnvironment.token(org: "canton:KSD")

    override class func setUp() {
        super.setUp()
        let settings = ["IAS_AWAIT_EVENT_SECONDS": String(bound)]
        do {
            intake = try InProcessService("intake", module: "IntakeService", publishes: IntakeApp.topics, settings: settings) {
                IntakeApp(host: $0).register()
            }
            coordination = try .coordination(settings: settings)
        } catch { fatalError("intake or coordination did not start in process: \(error)") }
    }

    override class func tearDown() {
        intake = nil
        coordination = nil
        super.tearDown()
    }

    private func text(_ response: HTTPResponse) -> String { String(decoding: response.body, as: UTF8.self) }

    /// `request` and the seconds it took.
    private func timed(_ request: () throws -> HTTPResponse) rethrows -> (response: HTTPResponse, seconds: Double) {
        let started = Date()
        let response = try request()
        return (response, Date().timeIntervalSince(started))
    }

    private func register(_ person: NewPerson = .sample(), key: String? = nil) throws -> (response: HTTPResponse, personId: String, caseId: Identifier) {
        let headers = key.map { [("Idempotency-Key", $0)] } ?? []
        let answer = try Self.intake.request("POST", "/persons", token: canton, json: try JSONValue(encoding: person), headers: headers)
        XCTAssertEqual(answer.status, 201, text(answer))
        let body = try JSONParser.parse(answer.body)
        return (answer, try XCTUnwrap(body["personId"]?.stringValue),
                try XCTUnwrap(body["caseId"]?.stringValue.flatMap(Identifier.init)))
    }

    // MARK: IAS-Event-Id

    func testAWriteNamesTheEventItEmittedAndAReplayNamesTheSame() throws {
        let key = "await-\(UUID().uuidString)"
        let person = NewPerson.sample()
        let first = try register(person, key: key)
        let named = try XCTUnwrap(first.response.headers[EventHeaders.eventId].flatMap(Identifier.init), "no IAS-Event-Id on a 201")
        let registered = try Self.intake.published(type: PersonRegistered.eventType).filter { $0.envelope.subject == first.caseId.description }
        XCTAssertEqual(registered.map(\.envelope.id), [named], "the header names the PersonRegistered event of the case")

        let again = try Self.intake.request("POST", "/persons", token: canton, json: try JSONValue(encoding: person),
                                            headers: [("Idempotency-Key", key)])
        XCTAssertEqual(again.status, 201, text(again))
        XCTAssertEqual(again.headers["Idempotent-Replayed"], "true")
        XCTAssertEqual(again.headers[EventHeaders.eventId], named.description, "a replay names the event of the first answer")

        let read = try Self.intake.request("GET", "/persons/\(first.personId)", token: canton)
        XCTAssertEqual(read.status, 200)
        XCTAssertNil(read.headers[EventHeaders.eventId], "a read emits nothing and names nothing")
    }

    func testAnUploadNamesItsDocumentAddedAndAWaitDoesNotMakeItAnotherRequest() throws {
        let caseId = Identifier()
        let registration = try EventPublisher.envelope(PersonRegistered.sample(caseId: caseId, givenName: "Selam", familyName: "Await"),
                                                       subject: caseId.description)
        try Self.coordination.apply(registration, topic: Topics.intake)
        let pdf = SampleDocuments.pdf()
        let headers = [("Content-Type", "application/pdf"), ("IAS-Document-Category", "cv"), ("IAS-Document-Title", "Lebenslauf"),
                       ("Idempotency-Key", "upload-\(UUID().uuidString)")]
        let upload = Self.coordination.request("POST", "/cases/\(caseId)/documents", token: canton, raw: pdf, headers: headers)
        XCTAssertEqual(upload.status, 201, text(upload))
        let named = try XCTUnwrap(upload.headers[EventHeaders.eventId])
        let added = try Self.coordination.published(type: DocumentAdded.eventType).filter { $0.envelope.subject == caseId.description }
        XCTAssertEqual(added.map(\.envelope.id.description), [named])

        // The same upload again, now also waiting for the registration: the same request, so the first answer.
        let retried = Self.coordination.request("POST", "/cases/\(caseId)/documents", token: canton, raw: pdf,
                                                headers: headers + [(EventHeaders.awaitEvent, registration.id.description)])
        XCTAssertEqual(retried.status, 201, text(retried))
        XCTAssertEqual(retried.headers["Idempotent-Replayed"], "true")
        XCTAssertEqual(retried.headers[EventHeaders.eventId], named)
    }

    // MARK: IAS-Await-Event

    func testAnEventTheServiceProducedIsThereAtOnce() throws {
        let registered = try register()
        let event = try XCTUnwrap(registered.response.headers[EventHeaders.eventId])
        let (read, seconds) = try timed {
            try Self.intake.request("GET", "/persons/\(registered.personId)", token: canton, headers: [(EventHeaders.awaitEvent, event)])
        }
        XCTAssertEqual(read.status, 200, text(read))
        XCTAssertLessThan(seconds, 0.2, "nothing to wait for")
    }

    func testAReadWaitsUntilTheEventIsAppliedAndThenShowsItsEffect() throws {
        let caseId = Identifier()
        let registration = try EventPublisher.envelope(PersonRegistered.sample(caseId: caseId, givenName: "Meron", familyName: "Awaited"),
                                                       subject: caseId.description)
        XCTAssertEqual(try Self.coordination.request("GET", "/cases/\(caseId)/dossier", token: canton).status, 404, "not applied yet")

        let answer = Locked<(response: HTTPResponse, seconds: Double)?>(nil)
        let done = DispatchSemaphore(value: 0)
        let started = Date()
        Thread.detachNewThread { [canton] in
            let response = try? Self.coordination.request("GET", "/cases/\(caseId)/dossier", token: canton,
                                                          headers: [(EventHeaders.awaitEvent, registration.id.description)])
            answer.withLock { $0 = response.map { ($0, Date().timeIntervalSince(started)) } }
            done.signal()
        }
        Thread.sleep(forTimeInterval: 0.15)
        try Self.coordination.apply(registration, topic: Topics.intake)
        XCTAssertEqual(done.wait(timeout: .now() + 5), .success)
        let (dossier, seconds) = try XCTUnwrap(answer.current)
        XCTAssertEqual(dossier.status, 200, text(dossier))
        XCTAssertEqual(try JSONParser.parse(dossier.body)["person"]?["familyName"]?.stringValue, "Awaited")
        XCTAssertGreaterThanOrEqual(seconds, 0.15, "answered only after the event was applied")
        XCTAssertLessThan(seconds, Self.bound, "answered as soon as it was applied, not at the bound")
    }

    func testAnEventCountsOnlyOnceEveryConsumerReadingItsTopicAppliedIt() throws {
        // Plan's topic has two consumers in coordination (the dossier and the final-report archive).
        let readers = Self.coordination.host.eventSubscriptions.filter { $0.topics.contains(Topics.plan) }.map(\.name)
        XCTAssertGreaterThan(readers.count, 1, "coordination reads plan's topic with more than one consumer")
        let event = Identifier()
        func tasks() -> HTTPResponse {
            (try? Self.coordination.request("GET", "/tasks?limit=1", token: canton, headers: [(EventHeaders.awaitEvent, event.description)]))
                ?? HTTPResponse(status: 0)
        }
        for (index, consumer) in readers.enumerated() {
            XCTAssertEqual(tasks().status, 503, "applied by \(index) of \(readers.count) consumers")
            try Self.coordination.host.pool.withConnection {
                try $0.execute("INSERT INTO inbox (consumer, event_id, topic, event_type) VALUES ($1, $2, $3, 'test')",
                               [consumer, event, Topics.plan])
            }
        }
        XCTAssertEqual(tasks().status, 200, "applied by every consumer of plan's topic")
    }

    func testAnUnknownEventIs503WithRetryAfterOnceTheBoundHasPassed() throws {
        let unknown = Identifier()
        let registered = try register()
        let (answer, seconds) = try timed {
            try Self.intake.request("GET", "/persons/\(registered.personId)", token: canton,
                                    headers: [(EventHeaders.awaitEvent, "\(registered.response.headers[EventHeaders.eventId] ?? ""), \(unknown)")])
        }
        XCTAssertEqual(answer.status, 503, text(answer))
        XCTAssertEqual(answer.headers["Retry-After"], "1")
        XCTAssertEqual(answer.headers["Content-Type"], "application/problem+json")
        let detail = try XCTUnwrap(try JSONParser.parse(answer.body)["detail"]?.stringValue)
        XCTAssertTrue(detail.contains(unknown.description), detail)
        XCTAssertFalse(detail.contains(registered.response.headers[EventHeaders.eventId] ?? "-"), "only the missing event is named: \(detail)")
        XCTAssertGreaterThanOrEqual(seconds, Self.bound)
        XCTAssertLessThan(seconds, Self.bound + 0.5)
    }

    func testAMalformedValueIs400NamingTheHeader() throws {
        let tooMany = (0...EventHeaders.maxAwaited).map { _ in Identifier().description }.joined(separator: ",")
        for value in ["not-a-uuid", "", " , ", "\(Identifier()),,\(Identifier())", "\(Identifier());x", tooMany] {
            let (answer, seconds) = try timed {
                try Self.intake.request("GET", "/persons?limit=1", token: canton, headers: [(EventHeaders.awaitEvent, value)])
            }
            XCTAssertEqual(answer.status, 400, "\(value): \(text(answer))")
            guard case .array(let errors)? = try JSONParser.parse(answer.body)["errors"] else { XCTFail("no errors: \(value)"); continue }
            XCTAssertEqual(errors.first?["field"]?.stringValue, EventHeaders.awaitEvent, value)
            XCTAssertLessThan(seconds, 0.2, value)
        }
    }

    func testCallersWithoutAValidTokenOrThePermissionAreRefusedWithoutWaiting() throws {
        let awaiting = [(EventHeaders.awaitEvent, Identifier().description)]
        // Access control refuses on the route's permission (the caller's roles), before the wait.
        for (token, status) in [(nil, 401), ("not.a.token", 401), (TestEnvironment.token(org: "canton:KSD", roles: ["admin"]), 403),
                                (TestEnvironment.token(org: "canton:KSD", roles: []), 403)] as [(String?, Int)] {
            let (answer, seconds) = try timed { try Self.intake.request("GET", "/persons?limit=1", token: token, headers: awaiting) }
            XCTAssertEqual(answer.status, status, text(answer))
            XCTAssertLessThan(seconds, 0.2, "refused before any wait")
        }
    }
}
