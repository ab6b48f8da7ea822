import CoordinationService
import IASContracts
import IASCrypto
import TestSupport
import XCTest

extension InProcessService {
    /// Coordination in process with the tests' document master keys (or `documentKeys`),
    /// publishing on its own topic and the partners' outbound topics.
    static func coordination(settings: [String: String] = [:], documentKeys: MasterKeyRing? = nil) throws -> InProcessService {
        let keys = try documentKeys ?? MasterKeyRing.parse(TestEnvironment.documentMasterKeys)
        return try InProcessService("coordination", module: "CoordinationService",
                                    publishes: [Topics.coordination] + PartnerChannel.all.map(\.outbound), settings: settings) {
            CoordinationApp(host: $0, documentKeys: keys).register()
        }
    }
}

/// Tests with coordination in process, started once for the class and stopped after it. A
/// subclass changes what it starts with by overriding `settings` or `documentKeys`.
class CoordinationInProcessCase: XCTestCase {
    nonisolated(unsafe) static var coordination: InProcessService!

    class var settings: [String: String] { [:] }
    class var documentKeys: MasterKeyRing? { nil }

    override class func setUp() {
        super.setUp()
        do {
            coordination = try .coordination(settings: settings, documentKeys: documentKeys)
        } catch { fatalError("coordination did not start in process: \(error)") }
    }

    override class func tearDown() {
        coordination = nil
        super.tearDown()
    }
}
