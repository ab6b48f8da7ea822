import Foundation
import IASContracts
import IASHTTP
import IASMessaging
import IASRuntime
import IASServiceKit

/// The assessment service: status meetings, short and potential assessments, and the triage
/// into target groups by a versioned rule set. It keeps the case registry (who is responsible
/// for which case, the date of birth for the age) from intake's events.
public final class AssessmentApp: Sendable {
    let host: ServiceHost
    let rules: TriageRuleSet

    /// The topics this service consumes.
    static let consumedTopics = [Topics.intake]

    public init(host: ServiceHost, rules: TriageRuleSet) {
        self.host = host
        self.rules = rules
    }

    /// Entry point of the `ias-assessment` executable.
    public static func main() -> Never {
        ServiceMain.run("assessment") {
            var rulesFile = ""
            let host = try ServiceHost(service: "assessment", defaultPort: 8082, publishes: [Topics.assessment], resources: Bundle.module,
                                       usesCaseRegistry: true) { reader in
                // Empty: the bundled rule set (triage-rules.json); a canton may ship its own.
                rulesFile = reader.string("IAS_TRIAGE_RULES_FILE", default: "")
            }
            let rules: TriageRuleSet
            do { rules = try TriageRuleSet.load(path: rulesFile) } catch let error as TriageRuleSetError {
                throw ConfigurationError(problems: ["IAS_TRIAGE_RULES_FILE: " + error.problems.joined(separator: "; ")])
            }
            host.logger.info("triage rule set loaded", ["version": rules.version, "rules": String(rules.rules.count)])
            AssessmentApp(host: host, rules: rules).register()
            return host
        }
    }

    public func register() {
        host.registerSubjectAccess()
        host.eraseCases(with: CaseDataErasure.erasure)
        host.subscribe(EventSubscription(name: "cases", topics: Self.consumedTopics) { envelope, connection in
            try CaseRegistry.apply(envelope, on: connection)
        })
        host.route("POST", "/cases/{caseId}/status-meetings", .writeCases) { [self] context in try recordStatusMeeting(context) }
        host.route("GET", "/cases/{caseId}/status-meetings", .readCases) { [self] context in try listStatusMeetings(context) }
        host.route("POST", "/cases/{caseId}/assessments", .writeCases) { [self] context in try recordAssessment(context) }
        host.route("GET", "/cases/{caseId}/assessments", .readCases) { [self] context in try listAssessments(context) }
        host.route("PUT", "/cases/{caseId}/target-group", .writeCases) { [self] context in try overrideTargetGroup(context) }
        host.route("GET", "/cases/{caseId}/target-group", .readCases) { [self] context in try currentTargetGroup(context) }
        host.route("GET", "/triage-rules", .readReference) { [self] _ in .json(TriageRulesView(rules)) }
    }
}
