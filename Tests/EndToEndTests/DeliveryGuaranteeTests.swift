import Foundation
import IASKafka
import IASMessaging
import IASRuntime
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// Nothing lost, nothing twice, across real crashes and redeliveries.
final class DeliveryGuaranteeTests: XCTestCase {
    nonisolated(unsafe) static var stack: TestStack!
    let canton = TestEnvironment.token(org: "canton:KSD")

    override class func setUp() {
        super.setUp()
        stack = TestStack.running(["intake", "coordination"])
    }

    override class func tearDown() {
        stack.stop()
        super.tearDown()
    }

    private func register() throws -> String {
        let created = try Self.stack.client("intake").json("POST", "/persons", token: canton, body: Fixtures.person())
        XCTAssertEqual(created.status, 201, created.text)
        return try XCTUnwrap(try created.json()["caseId"] as? String)
    }

    /// The dossier's timeline once the event arrived (nil until then).
    private func timeline(_ caseId: String, within seconds: Double) throws -> [[String: Any]]? {
        let coordination = try Self.stack.client("coordination")
        return try TestStack.eventually(within: seconds) { () -> [[String: Any]]? in
            let r = try coordination.json("GET", "/cases/\(caseId)/dossier", token: canton)
            guard r.status == 200 else { return nil }
            return try r.json()["timeline"] as? [[String: Any]]
        }
    }

    private func metric(_ service: String, _ prefix: String) throws -> Double {
        let text = try Self.stack.client(service).request("GET", "/metrics").text
        return text.split(separator: "\n").filter { $0.hasPrefix(prefix) }
            .compactMap { Double($0.split(separator: " ").last ?? "") }.reduce(0, +)
    }

    func testKillingIntakeRightAfter201WhileTheBrokerIsPausedLosesNothingAndDuplicatesNothing() throws {
        let brokerPid = pid_t(TestEnvironment.required("IAS_TEST_BROKER_PID"))!
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

        let entries = try XCTUnwrap(try timeline(caseId, within: 30), "the event never reached coordination")
        // Give a duplicate time to arrive, then check it was not applied twice.
        Thread.sleep(forTimeInterval: 2)
        let settled = try XCTUnwrap(try timeline(caseId, within: 5))
        XCTAssertEqual(entries.count, 1)
        XCTAssertEqual(settled.filter { $0["type"] as? String == "intake.PersonRegistered" }.count, 1)
    }

    func testKillingIntakeImmediatelyAfter201DeliversTheEventExactlyOnce() throws {
        let caseId = try register()
        Self.stack["intake"].kill9()
        try Self.stack["intake"].start()
        try Self.stack["intake"].waitUntilReady()
        XCTAssertNotNil(try timeline(caseId, within: 30), "the event never reached coordination")
        Thread.sleep(forTimeInterval: 1.5)
        let settled = try XCTUnwrap(try timeline(caseId, within: 5))
        XCTAssertEqual(settled.filter { $0["type"] as? String == "intake.PersonRegistered" }.count, 1)
    }

    func testTheSameEventDeliveredTwiceIsAppliedOnce() throws {
        let caseId = Identifier()
        let envelope = EventEnvelope(
            type: "intake.PersonRegistered", source: "/ias/intake", subject: caseId.description,
            correlationid: Identifier(), actorsub: "e2e", actororg: "canton:KSD",
            data: try JSONValue(encoding: [
                "personId": JSONValue.string(Identifier().description), "caseId": .string(caseId.description),
                "givenName": .string("Twice"), "familyName": .string("Delivered"), "dateOfBirth": .string("1990-01-01"),
                "sex": .string("male"), "nationality": .string("SY"), "languages": .array([.string("ar")]),
                "status": .string("FL"), "enteredCantonOn": .string("2026-01-05"), "accommodation": .string("cantonal"),
                "responsibleOrg": .string("canton:KSD"),
            ]))
        let duplicatesBefore = try metric("coordination", "ias_events_consumed_total{consumer=\"dossier\",outcome=\"duplicate\"")
        let producer = try KafkaProducer(configuration: KafkaConfiguration(brokers: TestEnvironment.brokers, clientId: "e2e-duplicate"),
                                         logger: Logger(label: "e2e"))
        defer { producer.close(timeout: 5) }
        let record = try KafkaRecord.event(envelope, topic: "ias.intake.v1")
        for result in producer.send([record, record], timeout: 10) { XCTAssertNoThrow(try result.get()) }

        XCTAssertNotNil(try timeline(caseId.description, within: 15))
        let counted = try TestStack.eventually(within: 10) { () -> Double? in
            let now = try metric("coordination", "ias_events_consumed_total{consumer=\"dossier\",outcome=\"duplicate\"")
            return now >= duplicatesBefore + 1 ? now : nil
        }
        XCTAssertNotNil(counted, "the second delivery was not recognised as a duplicate")
        let entries = try XCTUnwrap(try timeline(caseId.description, within: 5))
        XCTAssertEqual(entries.count, 1, "the event was applied more than once")
    }

    func testAPoisonMessageGoesToTheDeadLetterTopicAndConsumptionContinues() throws {
        let logger = Logger(label: "e2e")
        let producer = try KafkaProducer(configuration: KafkaConfiguration(brokers: TestEnvironment.brokers, clientId: "e2e-poison"),
                                         logger: logger)
        defer { producer.close(timeout: 5) }
        let marker = UUID().uuidString
        let poison = KafkaRecord(topic: "ias.intake.v1", key: Array("poison".utf8), value: Array("{not json \(marker)".utf8),
                                 headers: [TestEnvironment.poisonHeader])
        XCTAssertNoThrow(try producer.send([poison], timeout: 10)[0].get())

        // Consumption goes on: a registration after the poison still reaches the dossier.
        let caseId = try register()
        XCTAssertNotNil(try timeline(caseId, within: 15), "consumption stopped after the poison message")

        let consumer = try KafkaConsumer(
            configuration: KafkaConfiguration(brokers: TestEnvironment.brokers, clientId: "e2e-dlq-reader"),
            groupId: "e2e-dlq-\(marker)", topics: ["ias.intake.v1.dlq"], logger: logger)
        defer { consumer.close() }
        let deadline = Date().addingTimeInterval(30)
        var found: KafkaMessage?
        while Date() < deadline, found == nil {
            if let message = try consumer.poll(timeoutMs: 500), String(decoding: message.value, as: UTF8.self).contains(marker) {
                found = message
            }
        }
        let message = try XCTUnwrap(found, "the poison message did not reach ias.intake.v1.dlq")
        XCTAssertEqual(message.value, poison.value, "the original bytes are kept")
        let reason = String(decoding: message.header("dlq-reason") ?? [], as: UTF8.self)
        XCTAssertTrue(reason.contains("not a valid event envelope"), reason)
        XCTAssertEqual(message.header("dlq-original-topic").map { String(decoding: $0, as: UTF8.self) }, "ias.intake.v1")
    }
}
