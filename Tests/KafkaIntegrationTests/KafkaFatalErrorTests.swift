import Foundation
@testable import IASKafka
import TestSupport
import XCTest

/// A fatal error never hangs: a consumer fails every later operation with it (the process restarts it);
/// a producer replaces its client, so that the outbox relay recovers by itself.
final class KafkaFatalErrorTests: XCTestCase {
    private typealias Support = TestBroker

    func testAProducerWithAFatalErrorIsReplacedAndTheNextSendIsDelivered() throws {
        let topic = try Support.makeTopic("fatal-producer", partitions: 1)
        let producer = try KafkaProducer(configuration: Support.configuration(), logger: Support.logger)
        defer { producer.close(timeout: 2) }
        let broken = producer.handle
        try broken.raiseFatalErrorForTesting("injected by test")
        // The poll thread serves the error callback that records it.
        let deadline = Date(timeIntervalSinceNow: 5)
        while broken.context.fatalError.current == nil && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.05)
        }
        XCTAssertNotNil(broken.context.fatalError.current, "the fatal error was not recorded")
        let results = producer.send(Support.records(topic: topic, count: 2), timeout: 10)
        for result in results { XCTAssertNoThrow(try result.get(), "a new client should deliver after the fatal error") }
        XCTAssertEqual(producer.replacements, 1)
        XCTAssertFalse(producer.handle === broken)
        XCTAssertEqual(try Support.poll(try Support.consumer(group: Support.unique("group"), topic: topic), count: 2, store: true).count, 2)
    }

    func testConsumerPollThrowsAfterAFatalError() throws {
        let topic = try Support.makeTopic("fatal-consumer", partitions: 1)
        let consumer = try Support.consumer(group: Support.unique("group"), topic: topic)
        defer { consumer.close() }
        try consumer.handle.raiseFatalErrorForTesting("injected by test")
        let deadline = Date(timeIntervalSinceNow: 10)
        var thrown: Error?
        while thrown == nil && Date() < deadline {
            do { _ = try consumer.poll(timeoutMs: 200) } catch { thrown = error }
        }
        let error = try XCTUnwrap(thrown as? KafkaError, "poll never threw after a fatal error")
        XCTAssertTrue(error.isFatal, "\(error)")
    }
}
