import Foundation
import IASContracts
import IASMessaging
import XCTest

/// Every event type of the contract has a golden fixture `Fixtures/events/<type>.v<version>.json`
/// that decodes into its payload type, and every fixture belongs to a known type.
final class EventCatalogFixtureTests: XCTestCase {
    static func fixtureNames() throws -> [String] {
        let directory = try XCTUnwrap(Bundle.module.url(forResource: "Fixtures/events", withExtension: nil))
        return try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".json") }.sorted()
    }

    func testEveryEventTypeHasAFixtureThatDecodes() throws {
        let names = Set(try Self.fixtureNames())
        for type in EventCatalog.all {
            let name = "\(type.eventType).v\(type.dataVersion).json"
            guard names.contains(name) else {
                XCTFail("no golden fixture for \(type.eventType): add Tests/ServiceUnitTests/Fixtures/events/\(name)")
                continue
            }
            let bytes = try EventFixtureTests.fixture(String(name.dropLast(5)))
            let envelope = try EventEnvelope.decode(bytes)
            XCTAssertEqual(envelope.type, type.eventType)
            XCTAssertNoThrow(try Self.decode(envelope, as: type), name)
        }
    }

    func testEveryFixtureBelongsToAKnownType() throws {
        for name in try Self.fixtureNames() {
            let envelope = try EventEnvelope.decode(try EventFixtureTests.fixture(String(name.dropLast(5))))
            XCTAssertNotNil(EventCatalog.payloadType(for: envelope.type), "\(name) has an unknown type \(envelope.type)")
        }
    }

    static func decode<T: EventPayload>(_ envelope: EventEnvelope, as type: T.Type) throws {
        _ = try envelope.payload(type)
    }
}
