import Foundation
import IASHTTP
import IASHTTPClient
import IASRuntime

/// What one step of a case's life got from the API.
public enum Step<Value> {
    case done(Value)
    /// What the step needs has not travelled to the service yet (a 404 of a service that has
    /// not learnt of the case, a cost approval for a measure costs does not know yet): ask again later.
    case notYet(HTTPClientResponse)
    /// An answer that asking again will not change.
    case refused(HTTPClientResponse)
}

/// The public HTTP API of the five services as a department system uses it: one typed call per
/// step of a case's life and one request per call, on a kept-alive connection per service. The
/// end-to-end tests (through `CaseWorker`) and the load generator (through `CaseJourney`) drive
/// cases with it; `observe` sees every answer (the load generator times them by route).
public final class CaseAPI: @unchecked Sendable {
    public typealias Observer = @Sendable (_ route: String, _ seconds: Double, _ status: Int) -> Void

    public let caseworker: String
    public let approver: String
    /// Today in UTC, as the API's dates are written.
    public let today = PersonFactory.today
    private let clients: [String: HTTPClient]
    private let observe: Observer?

    /// - Parameter ports: the port of each service by name ("intake", …), all on 127.0.0.1.
    public init(ports: [String: Int], caseworker: String, approver: String, readTimeout: Double = 30, observe: Observer? = nil) {
        clients = ports.mapValues { HTTPClient(port: $0, readTimeout: readTimeout) }
        self.caseworker = caseworker; self.approver = approver; self.observe = observe
    }

    /// One request to `service`; `route` names it for the observer ("POST /persons").
    public func send(_ service: String, _ method: String, _ path: String, route: String, body: JSONValue? = nil,
                     token: String? = nil, headers: [(String, String)] = []) throws -> HTTPClientResponse {
        guard let client = clients[service] else { throw TestFailure("no port for the service \(service)") }
        let started = MonotonicClock.now()
        let response = try client.json(method, path, token: token ?? caseworker, body: body, headers: headers)
        observe?(route, MonotonicClock.now() - started, response.status)
        return response
    }

    /// One request whose body is sent as it is (a document), with the caller's token.
    public func raw(_ service: String, _ method: String, _ path: String, route: String, headers: [(String, String)],
                    body: [UInt8]?, token: String? = nil) throws -> HTTPClientResponse {
        guard let client = clients[service] else { throw TestFailure("no port for the service \(service)") }
        let started = MonotonicClock.now()
        let response = try client.request(method, path, headers: [("Authorization", "Bearer \(token ?? caseworker)")] + headers, body: body)
        observe?(route, MonotonicClock.now() - started, response.status)
        return response
    }

    private func send<Body: Encodable>(_ service: String, _ path: String, route: String, _ body: Body, token: String? = nil) throws -> HTTPClientResponse {
        try send(service, "POST", path, route: route, body: try JSONValue(encoding: body), token: token)
    }

    /// `done` for `success`, `notYet` for `pending` and for 503, else `refused`; `value` reads a
    /// done answer. A 503 (a deadlock or serialisation failure rolled back, the database away,
    /// the connection limit) changed nothing and says to try again, as a department system would.
    private func step<T>(_ r: HTTPClientResponse, _ success: Set<Int>, pending: Set<Int> = [404],
                         _ value: (HTTPClientResponse) throws -> T) rethrows -> Step<T> {
        if success.contains(r.status) { return .done(try value(r)) }
        return pending.contains(r.status) || r.status == 503 ? .notYet(r) : .refused(r)
    }

    // MARK: Steps

    public struct Registered: Codable, Sendable, Equatable {
        public let personId: String
        public let caseId: String
    }

    public func register(_ person: NewPerson, token: String? = nil) throws -> Step<Registered> {
        try step(try send("intake", "/persons", route: "POST /persons", person, token: token), [201], pending: []) {
            try $0.decode(Registered.self)
        }
    }

    public func regularize(_ personId: String, to status: String = "VA", on date: String? = nil) throws -> Step<Void> {
        struct Body: Encodable { let status, decidedOn: String }
        return step(try send("intake", "/persons/\(personId)/regularization", route: "POST /persons/{id}/regularization",
                             Body(status: status, decidedOn: date ?? today)), [200, 201], pending: []) { _ in }
    }

    public func transfer(_ personId: String, to org: String, reason: String, on date: String? = nil, token: String? = nil) throws -> Step<Void> {
        struct Body: Encodable { let toOrg, effectiveOn, reason: String }
        return step(try send("intake", "/persons/\(personId)/responsibility", route: "POST /persons/{id}/responsibility",
                             Body(toOrg: org, effectiveOn: date ?? today, reason: reason), token: token), [200], pending: []) { _ in }
    }

    /// The assessment's answer (target group, pathway, rule). Answers that are documents come
    /// back unparsed: the load generator reads only what it needs.
    public func assess(_ caseId: String, _ assessment: Assessment) throws -> Step<HTTPClientResponse> {
        step(try send("assessment", "/cases/\(caseId)/assessments", route: "POST /cases/{id}/assessments", assessment), [201]) { $0 }
    }

    public func plan(_ caseId: String, token: String? = nil) throws -> Step<HTTPClientResponse> {
        step(try send("plan", "GET", "/cases/\(caseId)/plan", route: "GET /cases/{id}/plan", token: token), [200]) { $0 }
    }

    public func signAgreement(_ caseId: String, goals: [String] = ["Work in the first labour market"], reviewEveryMonths: Int = 6) throws -> Step<Void> {
        struct Body: Encodable { let signedOn: String; let goals: [String]; let reviewEveryMonths: Int }
        return step(try send("plan", "/cases/\(caseId)/plan/agreement", route: "POST /cases/{id}/plan/agreement",
                             Body(signedOn: today, goals: goals, reviewEveryMonths: reviewEveryMonths)), [200, 201], pending: []) { _ in }
    }

    public func moveMeasure(_ caseId: String, _ measureId: String, to status: String, reason: String? = nil) throws -> Step<Void> {
        struct Body: Encodable { let status, on: String; let reason: String? }
        return step(try send("plan", "/cases/\(caseId)/plan/measures/\(measureId)/status", route: "POST /cases/{id}/plan/measures/{id}/status",
                             Body(status: status, on: today, reason: reason)), [200], pending: []) { _ in }
    }

    /// The consent's id.
    public func giveConsent(_ caseId: String, partner: String, documentRef: String) throws -> Step<String> {
        struct Body: Encodable { let partner, givenOn, documentRef: String }
        return try step(try send("coordination", "/cases/\(caseId)/consents", route: "POST /cases/{id}/consents",
                                 Body(partner: partner, givenOn: today, documentRef: documentRef)), [201]) { try Self.string("consentId", of: $0) }
    }

    /// The approval's id. 422 waits too: costs has not learnt of the measure or the budget yet.
    public func requestApproval(_ caseId: String, measureId: String, amount: Int, justification: String = "measure of the integration plan") throws -> Step<String> {
        struct Body: Encodable { let caseId, measureId: String; let amountRappen: Int; let justification: String }
        return try step(try send("costs", "/cost-approvals", route: "POST /cost-approvals",
                                 Body(caseId: caseId, measureId: measureId, amountRappen: amount, justification: justification)),
                        [201], pending: [404, 422]) { try Self.string("approvalId", of: $0) }
    }

    /// Decided by the approver.
    public func decide(_ approvalId: String, _ decision: String = "granted", reason: String = "fits the plan", fundingSource: String? = nil) throws -> Step<Void> {
        struct Body: Encodable { let decision, reason: String; let fundingSource: String? }
        return step(try send("costs", "/cost-approvals/\(approvalId)/decision", route: "POST /cost-approvals/{id}/decision",
                             Body(decision: decision, reason: reason, fundingSource: fundingSource), token: approver), [200], pending: []) { _ in }
    }

    public func dossier(_ caseId: String, route: String = "GET /cases/{id}/dossier", token: String? = nil) throws -> Step<HTTPClientResponse> {
        step(try send("coordination", "GET", "/cases/\(caseId)/dossier", route: route, token: token), [200]) { $0 }
    }

    // MARK: Reading answers

    /// The id of the first measure of `plan` with catalogue code `code`.
    public static func measureId(_ code: String, in plan: HTTPClientResponse) -> String? {
        guard case .array(let measures)? = try? plan.json()["measures"] else { return nil }
        return measures.first { $0["catalogCode"]?.stringValue == code }?["measureId"]?.stringValue
    }

    private static func string(_ member: String, of response: HTTPClientResponse) throws -> String {
        guard let value = try response.json()[member]?.stringValue else { throw TestFailure("the answer has no \(member): \(response.text.prefix(300))") }
        return value
    }
}

/// The body of `POST /cases/{caseId}/assessments`: one language level for all four skills.
public struct Assessment: Encodable, Sendable {
    public var kind: String
    public var heldOn: String
    public var languageLevels: [String: String]
    public var literate: Bool
    public var schoolYears: Int
    public var vocationalYears: Int
    public var healthRestriction: String
    public var childcareDuties = false
    public var goals: [String]

    public init(kind: String = "short", heldOn: String = PersonFactory.today, level: String, literate: Bool = true,
                schoolYears: Int, vocationalYears: Int = 0, health: String = "none", goals: [String] = ["work"]) {
        self.kind = kind; self.heldOn = heldOn; self.literate = literate; self.schoolYears = schoolYears
        self.vocationalYears = vocationalYears; healthRestriction = health; self.goals = goals
        languageLevels = ["listening": level, "speaking": level, "reading": level, "writing": level]
    }
}

extension Step {
    /// The value of a step that is done; otherwise a failure naming the answer.
    public var value: Value {
        get throws {
            switch self {
            case .done(let value): return value
            case .notYet(let answer), .refused(let answer): throw TestFailure("the step was not done: \(answer.status) \(answer.text.prefix(500))")
            }
        }
    }
}
