import Foundation
import IASContracts
import IASHTTP
import IASMessaging
import IASPostgres
import IASRuntime
import IASServiceKit

/// The costs service: the integration lump sum of each VA/FL case, cost approvals
/// (Kostengutsprachen) for the measures of the plan, and the charges booked against them.
public final class CostsApp: Sendable {
    let host: ServiceHost
    let lumpSumRappen: Int
    let thresholdPercent: Int

    /// The topics this service consumes.
    static let consumedTopics = [Topics.intake, Topics.plan]

    public init(host: ServiceHost, lumpSumRappen: Int = 1_800_000, thresholdPercent: Int = 80) {
        self.host = host; self.lumpSumRappen = lumpSumRappen; self.thresholdPercent = thresholdPercent
    }

    /// Entry point of the `ias-costs` executable.
    public static func main() -> Never {
        ServiceMain.run("costs") {
            var lumpSum = 1_800_000, threshold = 80
            let host = try ServiceHost(service: "costs", defaultPort: 8084, publishes: [Topics.costs], resources: Bundle.module,
                                       usesCaseRegistry: true) { reader in
                lumpSum = reader.int("IAS_LUMP_SUM_RAPPEN", default: 1_800_000, range: 0...100_000_000)
                threshold = reader.int("IAS_BUDGET_THRESHOLD_PERCENT", default: 80, range: 1...100)
            }
            CostsApp(host: host, lumpSumRappen: lumpSum, thresholdPercent: threshold).register()
            return host
        }
    }

    public func register() {
        host.registerSubjectAccess()
        host.eraseCases(with: CaseDataErasure.erasure)
        let handlers = CostsEventHandlers(host: host, lumpSumRappen: lumpSumRappen)
        host.subscribe(EventSubscription(name: "cases", topics: Self.consumedTopics) { envelope, connection in
            try handlers.apply(envelope, on: connection)
        })
        host.route("POST", "/cost-approvals", .writeCases) { [self] context in try requestApproval(context) }
        host.route("GET", "/cost-approvals", .readCases) { [self] context in try listApprovals(context) }
        host.route("GET", "/cost-approvals/{approvalId}", .readCases) { [self] context in try getApproval(context) }
        host.route("POST", "/cost-approvals/{approvalId}/decision", .decideCosts) { [self] context in try decide(context) }
        host.route("POST", "/cost-approvals/{approvalId}/charges", .writeCases) { [self] context in try bookCharge(context) }
        host.route("GET", "/cases/{caseId}/budget", .readCases) { [self] context in try budget(context) }
    }
}

/// Which funding sources go through a cost approval: those that cost the lump sum (or, when
/// the canton names it, another source). Language funding and regular structures do not.
enum PlanFunding {
    static func needsApproval(_ funding: FundingSource) -> Bool { funding == .lumpSum || funding == .other }
}
