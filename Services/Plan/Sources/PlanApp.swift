import Foundation
import IASContracts
import IASHTTP
import IASMessaging
import IASPostgres
import IASRuntime
import IASServiceKit

/// The plan service: the measure catalogue and pathways, each case's integration plan with its
/// measures, agreement, reviews, deviations and final reports.
public final class PlanApp: Sendable {
    let host: ServiceHost
    let catalog: Catalog
    let reviewCheckIntervalSeconds: Double

    /// The topics this service consumes.
    static let consumedTopics = [Topics.intake, Topics.assessment, Topics.costs, Topics.coordination]

    public init(host: ServiceHost, catalog: Catalog, reviewCheckIntervalSeconds: Double = 3600) {
        self.host = host; self.catalog = catalog; self.reviewCheckIntervalSeconds = reviewCheckIntervalSeconds
    }

    /// Entry point of the `ias-plan` executable.
    public static func main() -> Never {
        ServiceMain.run("plan") {
            var interval = 3600.0
            let host = try ServiceHost(service: "plan", defaultPort: 8083, publishes: [Topics.plan], resources: Bundle.module,
                                       usesCaseRegistry: true) { reader in
                interval = reader.double("IAS_REVIEW_CHECK_INTERVAL_SECONDS", default: 3600, range: 0.1...86_400)
            }
            PlanApp(host: host, catalog: try Catalog.bundled(), reviewCheckIntervalSeconds: interval).register()
            return host
        }
    }

    public func register() {
        host.registerSubjectAccess()
        host.eraseCases(with: CaseDataErasure.erasure)
        let handlers = PlanEventHandlers(host: host, catalog: catalog)
        host.subscribe(EventSubscription(name: "cases", topics: Self.consumedTopics) { envelope, connection in
            try handlers.apply(envelope, on: connection)
        })
        host.schedule(ScheduledJob(name: "overdue-reviews", intervalSeconds: reviewCheckIntervalSeconds) { [self] in
            try flagOverdueReviews(today: CalendarDate.today())
        })
        host.route("GET", "/catalog/measures", .readReference) { [self] context in try catalogMeasures(context) }
        host.route("GET", "/catalog/pathways", .readReference) { [self] context in try catalogPathways(context) }
        host.route("GET", "/cases/{caseId}/plan", .readCases) { [self] context in try getPlan(context) }
        host.route("POST", "/cases/{caseId}/plan/measures", .writeCases) { [self] context in try addMeasure(context) }
        host.route("POST", "/cases/{caseId}/plan/measures/{measureId}/status", .writeCases) { [self] context in try changeStatus(context) }
        host.route("POST", "/cases/{caseId}/plan/agreement", .writeCases) { [self] context in try signAgreement(context) }
        host.route("POST", "/cases/{caseId}/plan/reviews", .writeCases) { [self] context in try recordReview(context) }
        host.route("GET", "/cases/{caseId}/plan/final-reports", .readCases) { [self] context in try listFinalReports(context) }
        host.route("GET", "/cases/{caseId}/plan/final-reports/{reportId}", .readCases) { [self] context in try getFinalReport(context) }
    }
}
