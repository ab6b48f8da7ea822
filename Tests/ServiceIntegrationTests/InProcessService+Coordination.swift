import CoordinationService
import IASContracts
import IASCrypto
import TestSupport

extension InProcessService {
    /// Coordination in process with the tests' document master keys, publishing on its own topic
    /// and the partners' outbound topics.
    static func coordination(settings: [String: String] = [:]) throws -> InProcessService {
        try InProcessService("coordination", module: "CoordinationService",
                             publishes: [Topics.coordination] + PartnerChannel.all.map(\.outbound), settings: settings) {
            CoordinationApp(host: $0, documentKeys: try MasterKeyRing.parse(TestEnvironment.documentMasterKeys)).register()
        }
    }
}
