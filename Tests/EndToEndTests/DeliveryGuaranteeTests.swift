import Foundation
import IASContracts
import IASKafka
import IASMessaging
import IASRuntime
import IASHTTPClient
import TestSupport
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// Nothing lost, nothing twice, across real crashes and redeliveries.
final class DeliveryGuaranteeTests: StackTestCase {
    let canton = TestEnvironment.token(org: "canton:KSD")

    override class func startStack() -> TestStack { .running(["intake", "coordination"]) }

    private var worker: CaseWorker { CaseWorker(stack: Self.stack, caseworker: canton) }

    private func register() throws -> String { try worker.register(.sample()).caseId }

    /// The dossier's timeline once the event arrived (nil until then).
    private func timeline(_ caseId: String, within seconds: Double) -> [[String: Any]]? { worker.timeline(caseId, within: seconds) }

    private func metric(_ service: String, _ prefix: String) throws -> Double {
        let text = try Self.stack.client(service).request("GET", "/metrics").text
        return text.split(separator: "\n").filter { $0.hasPrefix(prefix) }
            .compactMap { Double($0.split(separator: " ").last ?? "") }.reduce(0, +)
    }

    func testKillingIntakeRightAfter201WhileTheBrokerIsPausedLosesNothingAndDuplicatesNothing() throws {
        let brokerPid = try TestEnvironment.brokerPID
        // With the broker paused the relay cannot deliver: the event exists only in the outbox.
        kill(brokerPid, SIGSTOP)
        var resumed = false
        defer { if !resumed { kill(brokerPid, SIGCONT) } }
        let caseId = try register()
        Self.stack["intake"].kill9()
        kill(brokerPid, SIGCONT)
        resumed = true
        try Self.stack["intake"].start()
        try Self.stack["intake"].waitUntilReady()

        let entries = try XCTUnwrap(timeline(caseId, within: 30), "the event never reached coordination")
        // Give a duplicate time to arrive, then check it was not applied twice.
        Thread.sleep(forTimeInterval: 2)
        let settled = try XCTUnwrap(timeline(caseId, within: 5))
        XCTAssertEqual(entries.count, 1)
        XCTAssertEqual(settled.filter { $0["type"] as? String == "intake.PersonRegistered" }.count, 1)
    }

    func testKillingIntakeImmediatelyAfter201DeliversTheEventExactlyOnce() throws {
        let caseId = try register()
        Self.stack["intake"].kill9()
        try Self.stack["intake"].start()
        try Self.stack["intake"].waitUntilReady()
        XCTAssertNotNil(timeline(caseId, within: 30), "the event never reached coordination")
        Thread.sleep(forTimeInterval: 1.5)
        let settled = try XCTUnwrap(timeline(caseId, within: 5))
        XCTAssertEqual(settled.filter { $0["type"] as? String == "intake.PersonRegistered" }.count, 1)
    }

    func testTheSameEventDeliveredTwiceIsAppliedOnce() throws {
        let caseId = Identifier()
        let envelope = try EventPublisher.envelope(PersonRegistered.sample(caseId: caseId, givenName: "Twice", familyName: "Delivered"),
                                                   subject: caseId.description)
        let duplicatesBefore = try metric("coordination", "ias_events_consumed_total{consumer=\"dossier\",outcome=\"duplicate\"")
        let events = try EventPublisher(clientId: "e2e-duplicate")
        defer { events.close() }
        let record = try KafkaRecord.event(envelope, topic: "ias.intake.v1")
        XCTAssertNoThrow(try events.send(record, record))

        XCTAssertNotNil(timeline(caseId.description, within: 15))
        let counted = try eventually(within: 10) { () -> Double? in
            let now = try metric("coordination", "ias_events_consumed_total{consumer=\"dossier\",outcome=\"duplicate\"")
            return now >= duplicatesBefore + 1 ? now : nil
        }
        XCTAssertNotNil(counted, "the second delivery was not recognised as a duplicate")
        let entries = try XCTUnwrap(timeline(caseId.description, within: 5))
        XCTAssertEqual(entries.count, 1, "the event was applied more than once")
    }

    func testAPoisonMessageGoesToTheDeadLetterTopicAndConsumptionContinues() throws {
        let events = try EventPublisher(clientId: "e2e-poison")
        defer { events.close() }
        let marker = UUID().uuidString
        let poison = EventPublisher.poison(on: "ias.intake.v1", marker: marker)
        XCTAssertNoThrow(try events.send(poison))

        // Consumption goes on: a registration after the poison still reaches the dossier.
        let caseId = try register()
        XCTAssertNotNil(timeline(caseId, within: 15), "consumption stopped after the poison message")

        let message = try XCTUnwrap(try TestBroker.first(in: "ias.intake.v1.dlq", containing: marker),
                                    "the poison message did not reach ias.intake.v1.dlq")
        XCTAssertEqual(message.value, poison.value, "the original bytes are kept")
        let reason = String(decoding: message.header("dlq-reason") ?? [], as: UTF8.self)
        XCTAssertTrue(reason.contains("not a valid event envelope"), reason)
        XCTAssertEqual(message.header("dlq-original-topic").map { String(decoding: $0, as: UTF8.self) }, "ias.intake.v1")
    }
}
