import Foundation
@testable import IASKafka
import XCTest

/// A fatal error makes every later operation fail with it, instead of hanging or succeeding.
final class KafkaFatalErrorTests: XCTestCase {
    private typealias Support = KafkaTestSupport

    func testProducerFailsEverySendAfterAFatalError() throws {
        let topic = try Support.makeTopic("fatal-producer", partitions: 1)
        let producer = try KafkaProducer(configuration: Support.configuration(), logger: Support.logger)
        defer { producer.close(timeout: 2) }
        try producer.handle.raiseFatalErrorForTesting("injected by test")
        // The poll thread serves the error callback that records it.
        let deadline = Date(timeIntervalSinceNow: 5)
        while producer.handle.context.fatalError.current == nil && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.05)
        }
        let results = producer.send(Support.records(topic: topic, count: 2), timeout: 5)
        for result in results {
            guard case .failure(let error) = result else { return XCTFail("send succeeded after a fatal error") }
            XCTAssertTrue(error.isFatal, "\(error)")
            XCTAssertTrue(error.message.contains("injected by test"), "\(error)")
        }
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
