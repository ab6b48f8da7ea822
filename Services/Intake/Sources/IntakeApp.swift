import Foundation
import IASContracts
import IASHTTP
import IASMessaging
import IASPostgres
import IASRuntime
import IASServiceKit

/// The intake service: registers every person assigned to the canton and opens their case.
public final class IntakeApp: Sendable {
    let host: ServiceHost
    /// Seconds between two runs of the automatic closure after 7 years.
    let autoClosureIntervalSeconds: Double
    /// Body limit of `POST /allocation-lists`, which is larger than the server's general one.
    let allocationListMaxBodyBytes: Int
    /// 1000 rows of up to about 4 KiB each (long names, escaped characters, an override
    /// reason, pretty printing). Other routes keep the server's general limit
    /// (`IAS_HTTP_MAX_BODY_BYTES`).
    public static let defaultAllocationListMaxBodyBytes = 4 << 20
    /// Its events, and the keys that seal their personal data.
    public static let topics = [Topics.intake, Topics.caseKeys]

    public init(host: ServiceHost, autoClosureIntervalSeconds: Double = 3600,
                allocationListMaxBodyBytes: Int = IntakeApp.defaultAllocationListMaxBodyBytes) {
        self.host = host
        self.autoClosureIntervalSeconds = autoClosureIntervalSeconds
        self.allocationListMaxBodyBytes = allocationListMaxBodyBytes
    }

    /// Entry point of the `ias-intake` executable.
    public static func main() -> Never {
        ServiceMain.run("intake") {
            var interval = 3600.0
            var listBodyBytes = IntakeApp.defaultAllocationListMaxBodyBytes
            let host = try ServiceHost(service: "intake", defaultPort: 8081, publishes: IntakeApp.topics,
                                       resources: Bundle.module) { reader in
                interval = reader.double("IAS_AUTO_CLOSURE_INTERVAL_SECONDS", default: 3600, range: 0.2...86_400)
                listBodyBytes = reader.int("IAS_ALLOCATION_LIST_MAX_BODY_BYTES", default: IntakeApp.defaultAllocationListMaxBodyBytes,
                                           range: 1024...(64 << 20))
            }
            IntakeApp(host: host, autoClosureIntervalSeconds: interval, allocationListMaxBodyBytes: listBodyBytes).register()
            return host
        }
    }

    public func register() {
        host.registerSubjectAccess()
        host.route("POST", "/persons", .writeCases) { [self] context in try registerPerson(context) }
        host.route("GET", "/persons", .readCases) { [self] context in try searchPersons(context) }
        host.route("POST", "/allocation-lists", .writeCases, body: .limit(allocationListMaxBodyBytes)) { [self] context in
            try registerAllocationList(context)
        }
        host.route("GET", "/persons/{personId}", .readCases) { [self] context in try getPerson(context) }
        host.route("PATCH", "/persons/{personId}", .writeCases) { [self] context in try correctPerson(context) }
        host.route("POST", "/persons/{personId}/regularization", .writeCases) { [self] context in try regularize(context) }
        host.route("POST", "/persons/{personId}/responsibility", .writeCases) { [self] context in try transferResponsibility(context) }
        host.route("GET", "/persons/{personId}/responsibility", .readCases) { [self] context in try responsibilityHistory(context) }
        host.route("POST", "/persons/{personId}/closure", .writeCases) { [self] context in try closeCase(context) }
        host.route("GET", "/households/{householdId}", .readCases) { [self] context in try household(context) }
        host.schedule(ScheduledJob(name: "auto-closure", intervalSeconds: autoClosureIntervalSeconds) { [self] in
            let closed = try closeCasesPastMaximumDuration(today: CalendarDate.today())
            if closed > 0 { host.logger.info("cases closed after the maximum duration", ["count": String(closed)]) }
        })
        host.sealPersonalData()
        host.eraseCases(with: PersonErasure.erasure)
    }
}
