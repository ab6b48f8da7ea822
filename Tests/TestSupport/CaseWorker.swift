import Foundation
import IASHTTPClient
import IASRuntime

/// A case worker at a department system, for the end-to-end tests: drives cases through the
/// running services with `CaseAPI` and, where an event must first travel to another service,
/// asks again until it has, for at most `patience` seconds. A step that is refused, or never
/// gets there, fails with the service's last answer. JSON documents come back as Foundation
/// dictionaries (`TestJSON`), as the tests read them.
public final class CaseWorker: @unchecked Sendable {
    public let api: CaseAPI
    public let patience: Double

    public init(stack: TestStack, caseworker: String = TestEnvironment.token(org: "canton:KSD"),
                approver: String = TestEnvironment.token(org: "canton:KSD", roles: ["caseworker", "approver"], subject: "approver-1"),
                patience: Double = 15) {
        api = CaseAPI(ports: stack.ports, caseworker: caseworker, approver: approver, readTimeout: 10)
        self.patience = patience
    }

    public var today: String { api.today }

    /// Repeats `step` while it answers `notYet`, or is done but `accept` does not take the value yet.
    public func until<T>(_ what: String, within seconds: Double? = nil, where accept: (T) -> Bool = { _ in true },
                         _ step: () throws -> Step<T>) throws -> T {
        var last = "none"
        let value = try eventually(within: seconds ?? patience) { () -> T? in
            switch try step() {
            case .done(let value) where accept(value): return value
            case .done(let value):
                last = (value as? HTTPClientResponse).map { "\($0.status) \($0.text.prefix(1500))" } ?? String("\(value)".prefix(1500))
                return nil
            case .notYet(let answer): last = "\(answer.status) \(answer.text.prefix(1500))"; return nil
            case .refused(let answer): throw TestFailure("\(what): refused with \(answer.status) \(answer.text.prefix(1500))")
            }
        }
        guard let value else { throw TestFailure("\(what): not within \(seconds ?? patience) s; last answer: \(last)") }
        return value
    }

    // MARK: Intake

    @discardableResult
    public func register(_ person: NewPerson, token: String? = nil) throws -> CaseAPI.Registered {
        try until("registering \(person.givenName) \(person.familyName)") { try api.register(person, token: token) }
    }

    public func regularize(_ personId: String, to status: String = "VA", on date: String? = nil) throws {
        try until("regularising \(personId)") { try api.regularize(personId, to: status, on: date) }
    }

    public func transfer(_ personId: String, to org: String, reason: String = "assignment", on date: String? = nil, token: String? = nil) throws {
        try until("handing \(personId) over to \(org)") { try api.transfer(personId, to: org, reason: reason, on: date, token: token) }
    }

    // MARK: Assessment and plan

    /// The answer of the assessment, once the assessment service knows the case.
    public func assess(_ caseId: String, _ assessment: Assessment) throws -> [String: Any] {
        try until("assessing \(caseId)") { try api.assess(caseId, assessment) }.object()
    }

    /// The plan, once it holds a measure of each of `codes`.
    public func plan(of caseId: String, containing codes: [String] = [], token: String? = nil, within seconds: Double? = nil) throws -> [String: Any] {
        try until("a plan of \(caseId) with \(codes)", within: seconds,
                  where: { Set(codes).isSubset(of: Self.codes(of: (try? $0.object()) ?? [:])) }) { try api.plan(caseId, token: token) }.object()
    }

    /// The catalogue codes of a plan's measures, in order.
    public static func codes(of plan: [String: Any]) -> [String] {
        (plan["measures"] as? [[String: Any]] ?? []).compactMap { $0["catalogCode"] as? String }
    }

    /// The id of the plan's measure with `code`.
    public static func measureId(_ code: String, in plan: [String: Any]) throws -> String {
        let measure = (plan["measures"] as? [[String: Any]] ?? []).first { ($0["catalogCode"] as? String) == code }
        guard let id = measure?["measureId"] as? String else { throw TestFailure("the plan has no \(code) measure: \(plan)") }
        return id
    }

    /// Waits until the measure (by id, or the first with `code`) has `status`.
    public func waitForMeasure(_ caseId: String, measureId: String? = nil, code: String? = nil, status: String, within seconds: Double? = nil) throws {
        _ = try until("measure \(measureId ?? code ?? "?") of \(caseId) \(status)", within: seconds, where: { plan in
            guard case .array(let measures)? = try? plan.json()["measures"] else { return false }
            let measure = measures.last { $0["measureId"]?.stringValue == measureId || (measureId == nil && $0["catalogCode"]?.stringValue == code) }
            return measure?["status"]?.stringValue == status
        }) { try api.plan(caseId) }
    }

    public func move(_ caseId: String, measureId: String, to status: String, reason: String? = nil) throws {
        try until("moving measure \(measureId) to \(status)") { try api.moveMeasure(caseId, measureId, to: status, reason: reason) }
    }

    // MARK: Costs and coordination

    /// The approval's id, once costs knows the measure and its budget.
    public func requestApproval(_ caseId: String, measureId: String, amount: Int, justification: String = "plan measure",
                                within seconds: Double? = nil) throws -> String {
        try until("a cost approval for \(measureId)", within: seconds) {
            try api.requestApproval(caseId, measureId: measureId, amount: amount, justification: justification)
        }
    }

    public func decide(_ approvalId: String, _ decision: String = "granted", reason: String = "meets the plan", fundingSource: String? = nil) throws {
        try until("deciding \(approvalId)") { try api.decide(approvalId, decision, reason: reason, fundingSource: fundingSource) }
    }

    /// The consent's id, once coordination knows the case.
    @discardableResult
    public func giveConsent(_ caseId: String, partner: String, documentRef: String = "DMS-\(UUID().uuidString.prefix(6))") throws -> String {
        try until("a consent for \(partner)") { try api.giveConsent(caseId, partner: partner, documentRef: documentRef) }
    }

    /// The timeline of the dossier once coordination has the case; nil when it did not within `seconds`.
    public func timeline(_ caseId: String, within seconds: Double) -> [[String: Any]]? {
        (try? dossier(caseId, within: seconds))?["timeline"] as? [[String: Any]]
    }

    /// The dossier, once coordination has it and `complete` holds.
    @discardableResult
    public func dossier(_ caseId: String, token: String? = nil, within seconds: Double? = nil,
                        where complete: @escaping ([String: Any]) -> Bool = { _ in true }) throws -> [String: Any] {
        try until("the dossier of \(caseId)", within: seconds, where: { complete((try? $0.object()) ?? [:]) }) {
            try api.dossier(caseId, token: token)
        }.object()
    }
}
