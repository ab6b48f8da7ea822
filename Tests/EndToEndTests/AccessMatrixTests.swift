import Foundation
import IASHTTPClient
import TestSupport
import XCTest

/// Every route of every service against a set of callers, through the running services. The
/// expected outcome of each call comes from one table (`AccessMatrix.expected`): a route names
/// its rule, a rule gives each caller an outcome. The routes come from the services' own
/// `/openapi.json`, so a route added without a row here fails the test.
///
/// The case under test lives with municipality 4001 (registered by the canton, assessed, with a
/// plan, a granted AMIplus cost approval, a consent for RAV and the referral it sent, then
/// assigned to 4001). First every call that must be refused is made, and the case must be
/// unchanged afterwards; then every call that must be allowed, with the destructive ones last.
final class AccessMatrixTests: StackTestCase {
    static let services = TestStack.suite

    override class func startStack() -> TestStack { .running(services) }

    func testEveryRouteAnswersEveryCallerAsTheTableSays() throws {
        // The table covers exactly the documented routes of every service.
        var documented = Set<String>()
        for service in Self.services {
            let document = try client(service).json("GET", "/openapi.json", token: nil)
            XCTAssertEqual(document.status, 200)
            let paths = try XCTUnwrap(try document.object()["paths"] as? [String: [String: Any]])
            for (path, item) in paths where !AccessMatrix.operational.contains(path) {
                for method in item.keys where ["get", "post", "put", "patch", "delete"].contains(method) {
                    documented.insert("\(service) \(method.uppercased()) \(path)")
                }
            }
        }
        let tabled = Set(AccessMatrix.routes.map(\.key))
        XCTAssertEqual(documented.subtracting(tabled).sorted(), [], "routes without a row in the access matrix")
        XCTAssertEqual(tabled.subtracting(documented).sorted(), [], "rows of the access matrix for routes that do not exist")

        let world = try CaseWorld.build(stack: Self.stack)
        let callers = AccessMatrix.Caller.allCases

        // 1. Every refusal, then the case must be as before.
        let before = try world.snapshot()
        var refusals = 0
        for route in AccessMatrix.routes {
            for caller in callers where AccessMatrix.expected(route.rule, caller) == .refused {
                let r = try call(route, caller, world)
                XCTAssertEqual(r.status, 403, "\(caller) \(route.key) must be refused: \(r.status) \(r.text.prefix(300))")
                refusals += 1
            }
        }
        Thread.sleep(forTimeInterval: 1)   // an event a refused call had wrongly emitted would arrive by now
        XCTAssertEqual(try world.snapshot(), before, "a refused call changed the case")

        // 2. Every permitted call: allowed, or allowed but the case stays out of the answer.
        var permitted = 0
        for route in AccessMatrix.routes {
            for caller in callers {
                let outcome = AccessMatrix.expected(route.rule, caller)
                guard outcome != .refused else { continue }
                let r = try call(route, caller, world)
                let what = "\(caller) \(route.key): \(r.status) \(r.text.prefix(300))"
                XCTAssertFalse([400, 401, 403, 415].contains(r.status) || r.status >= 500, "must be permitted: \(what)")
                if route.method == "GET" && route.rule.isList {
                    let named = r.status == 200 && world.isNamed(in: r.text)
                    switch outcome {
                    case .permitted: XCTAssertTrue(named, "must answer 200 naming the case: \(what)")
                    case .hidden: XCTAssertFalse(named, "must not name the case: \(what)")
                    case .refused: break
                    }
                } else if route.method == "GET" {
                    XCTAssertEqual(r.status, 200, what)
                } else if outcome == .hidden {
                    // A write in a list the caller may send, for a case it may not touch: that row is refused.
                    XCTAssertTrue(r.text.contains("rejected"), "the row must be rejected: \(what)")
                }
                permitted += 1
            }
        }
        XCTAssertGreaterThan(refusals, 200)
        XCTAssertGreaterThan(permitted, 150)
    }

    private func client(_ service: String) throws -> HTTPClient { try Self.stack.client(service) }

    private func call(_ route: AccessMatrix.Route, _ caller: AccessMatrix.Caller, _ world: CaseWorld) throws -> HTTPClientResponse {
        let path = world.fill(route.path) + (route.query.map { "?" + world.fill($0) } ?? "")
        if route.document {
            return try client(route.service).request(route.method, path, headers: [
                ("Authorization", "Bearer \(caller.token)"), ("Content-Type", "application/pdf"),
                ("IAS-Document-Category", "correspondence"), ("IAS-Document-Title", "Matrix")], body: SampleDocuments.pdf(size: 600))
        }
        let headers = route.method == "PATCH" ? ["If-Match": "\"0\""] : [:]
        return try client(route.service).json(route.method, path, token: caller.token, body: route.body?(world), headers: headers)
    }
}

/// The table: which rule each route follows, and what each rule means for each caller.
enum AccessMatrix {
    /// The callers of the issue: the canton's KSD as case worker, approver and auditor, DVI,
    /// AWA, BKS, the responsible municipality, another municipality holding every role, a
    /// delegate of the responsible one, RAV, and a token without roles.
    enum Caller: String, CaseIterable, CustomStringConvertible {
        case ksdCaseworker, ksdApprover, ksdAuditor, dvi, awa, bks, responsible, otherMunicipality, delegate, rav, noRoles

        var org: String {
            switch self {
            case .ksdCaseworker, .ksdApprover, .ksdAuditor, .noRoles: return "canton:KSD"
            case .dvi: return "canton:DVI"
            case .awa: return "canton:AWA"
            case .bks: return "canton:BKS"
            case .responsible: return "municipality:4001"
            case .otherMunicipality: return "municipality:4021"
            case .delegate: return "delegate:caritas:4001"
            case .rav: return "partner:RAV"
            }
        }

        var roles: [String] {
            switch self {
            case .ksdApprover: return ["approver"]
            case .ksdAuditor: return ["auditor"]
            case .dvi: return ["caseworker", "approver"]
            case .otherMunicipality: return ["caseworker", "approver", "auditor"]
            case .noRoles: return []
            default: return ["caseworker"]
            }
        }

        var token: String { TestEnvironment.token(org: org, roles: roles, subject: "matrix-\(rawValue)") }
        var description: String { "\(rawValue) (\(org) \(roles))" }
    }

    enum Outcome { case permitted, hidden, refused }

    enum Rule: CaseIterable {
        case reference, readCase, writeCase, register, allocationList, handOver, decideCosts, search, taskList, referralList,
             indicators, auditTrail, subjectAccess, overdueSummary

        /// A list or search across cases: whether it names the case tells permitted from hidden.
        var isList: Bool { [.search, .taskList, .referralList, .auditTrail].contains(self) }
    }

    static func expected(_ rule: Rule, _ caller: Caller) -> Outcome {
        let caseOffices: Set<Caller> = [.ksdCaseworker, .ksdApprover, .ksdAuditor, .dvi, .responsible, .delegate]
        let writers: Set<Caller> = [.ksdCaseworker, .dvi, .responsible, .delegate]
        switch rule {
        case .reference:
            return caller == .noRoles ? .refused : .permitted
        case .readCase:
            return caseOffices.contains(caller) ? .permitted : .refused
        case .writeCase, .register:
            return writers.contains(caller) ? .permitted : .refused
        case .allocationList:
            if writers.contains(caller) { return .permitted }
            return caller == .otherMunicipality ? .hidden : .refused
        case .handOver:
            return [.ksdCaseworker, .dvi, .responsible].contains(caller) ? .permitted : .refused
        case .decideCosts:
            return [.ksdApprover, .dvi].contains(caller) ? .permitted : .refused
        case .search:
            if caseOffices.contains(caller) { return .permitted }
            return caller == .otherMunicipality ? .hidden : .refused
        case .taskList:
            if caseOffices.contains(caller) { return .permitted }
            return [.otherMunicipality, .awa, .bks].contains(caller) ? .hidden : .refused
        case .referralList:
            if caseOffices.contains(caller) || caller == .awa || caller == .rav { return .permitted }
            return caller == .noRoles ? .refused : .hidden
        case .indicators:
            return [.ksdCaseworker, .ksdApprover, .ksdAuditor, .dvi, .awa, .bks].contains(caller) ? .permitted : .refused
        case .auditTrail, .subjectAccess:
            return caller == .ksdAuditor ? .permitted : .refused
        case .overdueSummary:
            // Counts per municipality, no case: the canton's KSD and DVI only.
            return [.ksdCaseworker, .ksdApprover, .ksdAuditor, .dvi].contains(caller) ? .permitted : .refused
        }
    }

    struct Route {
        let service: String
        let method: String
        let path: String
        let rule: Rule
        var query: String? = nil
        var body: ((CaseWorld) -> Any)? = nil
        /// The body is a document (a small PDF with its description in the headers).
        var document = false
        var key: String { "\(service) \(method) \(path)" }
    }

    static let operational: Set<String> = ["/healthz", "/readyz", "/metrics", "/openapi.json"]

    /// Every route, in the order they are called; the destructive ones (consent withdrawal,
    /// closure) come last so that the others meet the case as the set-up left it.
    static var routes: [Route] { [
        // intake
        Route(service: "intake", method: "POST", path: "/persons", rule: .register, body: { _ in
            NewPerson.sample(familyName: "Matrix-new", accommodation: "municipal", responsibleOrg: "municipality:4001") }),
        Route(service: "intake", method: "GET", path: "/persons", rule: .search, query: "familyName={familyName}"),
        Route(service: "intake", method: "POST", path: "/allocation-lists", rule: .allocationList, body: { _ in
            ["listRef": "MATRIX-\(UUID().uuidString.prefix(8))", "allocatedOn": PersonFactory.today,
             "persons": [NewPerson.sample(familyName: "Matrix-list", accommodation: "municipal", responsibleOrg: "municipality:4001")]] }),
        Route(service: "intake", method: "GET", path: "/persons/{personId}", rule: .readCase),
        Route(service: "intake", method: "PATCH", path: "/persons/{personId}", rule: .writeCase, body: { _ in ["givenName": "Changed"] }),
        Route(service: "intake", method: "POST", path: "/persons/{personId}/regularization", rule: .writeCase, body: { _ in
            ["status": "FL", "decidedOn": PersonFactory.today] }),
        Route(service: "intake", method: "POST", path: "/persons/{personId}/responsibility", rule: .handOver, body: { _ in
            ["toOrg": "municipality:4001", "effectiveOn": PersonFactory.today, "reason": "relocation"] }),
        Route(service: "intake", method: "GET", path: "/persons/{personId}/responsibility", rule: .readCase),
        Route(service: "intake", method: "GET", path: "/households/{householdId}", rule: .search),
        // assessment
        Route(service: "assessment", method: "POST", path: "/cases/{caseId}/status-meetings", rule: .writeCase, body: { _ in
            ["heldOn": PersonFactory.today, "participants": ["case worker"], "notes": "matrix"] }),
        Route(service: "assessment", method: "GET", path: "/cases/{caseId}/status-meetings", rule: .readCase),
        Route(service: "assessment", method: "POST", path: "/cases/{caseId}/assessments", rule: .writeCase, body: { _ in CaseWorld.assessment }),
        Route(service: "assessment", method: "GET", path: "/cases/{caseId}/assessments", rule: .readCase),
        Route(service: "assessment", method: "PUT", path: "/cases/{caseId}/target-group", rule: .writeCase, body: { _ in
            ["targetGroup": "labour_market_ready", "reason": "confirmed in the matrix"] }),
        Route(service: "assessment", method: "GET", path: "/cases/{caseId}/target-group", rule: .readCase),
        Route(service: "assessment", method: "GET", path: "/triage-rules", rule: .reference),
        // plan
        Route(service: "plan", method: "GET", path: "/catalog/measures", rule: .reference),
        Route(service: "plan", method: "GET", path: "/catalog/pathways", rule: .reference),
        Route(service: "plan", method: "GET", path: "/cases/{caseId}/plan", rule: .readCase),
        Route(service: "plan", method: "POST", path: "/cases/{caseId}/plan/measures", rule: .writeCase, body: { _ in
            ["catalogCode": "EMPLOYMENT_PROGRAMME", "startsOn": PersonFactory.today, "estimatedCostRappen": 1000] }),
        Route(service: "plan", method: "POST", path: "/cases/{caseId}/plan/measures/{measureId}/status", rule: .writeCase, body: { _ in
            ["status": "enrolled", "on": PersonFactory.today] }),
        Route(service: "plan", method: "POST", path: "/cases/{caseId}/plan/agreement", rule: .writeCase, body: { _ in
            ["signedOn": PersonFactory.today, "goals": [["text": "work"]], "reviewEveryMonths": 6] }),
        Route(service: "plan", method: "POST", path: "/cases/{caseId}/plan/reviews", rule: .writeCase, body: { _ in
            ["heldOn": PersonFactory.today, "outcome": "on_track", "notes": "matrix"] }),
        Route(service: "plan", method: "GET", path: "/cases/{caseId}/plan/final-reports", rule: .readCase),
        Route(service: "plan", method: "GET", path: "/cases/{caseId}/plan/final-reports/{reportId}", rule: .readCase),
        // costs
        Route(service: "costs", method: "POST", path: "/cost-approvals", rule: .writeCase, body: { world in
            ["caseId": world.caseId, "measureId": world.measureId, "amountRappen": 1000, "justification": "matrix"] }),
        Route(service: "costs", method: "GET", path: "/cost-approvals", rule: .search, query: "caseId={caseId}"),
        Route(service: "costs", method: "GET", path: "/cost-approvals/{approvalId}", rule: .readCase),
        Route(service: "costs", method: "POST", path: "/cost-approvals/{approvalId}/decision", rule: .decideCosts, body: { _ in
            ["decision": "granted", "reason": "matrix"] }),
        Route(service: "costs", method: "POST", path: "/cost-approvals/{approvalId}/charges", rule: .writeCase, body: { _ in
            ["amountRappen": 100, "invoiceRef": "INV-\(UUID().uuidString.prefix(8))", "bookedOn": PersonFactory.today] }),
        Route(service: "costs", method: "GET", path: "/cases/{caseId}/budget", rule: .readCase),
        // coordination
        Route(service: "coordination", method: "GET", path: "/cases/{caseId}/dossier", rule: .readCase),
        Route(service: "coordination", method: "GET", path: "/tasks", rule: .taskList, query: "kind=handover&status=open&limit=200"),
        Route(service: "coordination", method: "GET", path: "/tasks/overdue-summary", rule: .overdueSummary),
        Route(service: "coordination", method: "POST", path: "/cases/{caseId}/consents", rule: .writeCase, body: { _ in
            ["partner": "canton:BKS", "givenOn": PersonFactory.today, "documentRef": "DMS-matrix"] }),
        Route(service: "coordination", method: "GET", path: "/cases/{caseId}/consents", rule: .readCase),
        Route(service: "coordination", method: "POST", path: "/cases/{caseId}/referrals", rule: .writeCase, body: { world in
            ["measureId": world.measureId] }),
        Route(service: "coordination", method: "GET", path: "/cases/{caseId}/referrals", rule: .readCase),
        Route(service: "coordination", method: "GET", path: "/referrals", rule: .referralList, query: "caseId={caseId}"),
        Route(service: "coordination", method: "GET", path: "/reports/ias-indicators", rule: .indicators, query: "entryYear=2026"),
        Route(service: "coordination", method: "GET", path: "/reports/federal", rule: .indicators, query: "year=2026"),
        Route(service: "coordination", method: "GET", path: "/audit", rule: .auditTrail, query: "caseId={caseId}"),
        Route(service: "coordination", method: "GET", path: "/subject-access/{personId}/archive", rule: .subjectAccess),
        Route(service: "intake", method: "GET", path: "/subject-access/{personId}", rule: .subjectAccess),
        Route(service: "assessment", method: "GET", path: "/subject-access/{personId}", rule: .subjectAccess),
        Route(service: "plan", method: "GET", path: "/subject-access/{personId}", rule: .subjectAccess),
        Route(service: "costs", method: "GET", path: "/subject-access/{personId}", rule: .subjectAccess),
        Route(service: "coordination", method: "GET", path: "/subject-access/{personId}", rule: .subjectAccess),
        Route(service: "coordination", method: "POST", path: "/cases/{caseId}/documents", rule: .writeCase, document: true),
        Route(service: "coordination", method: "GET", path: "/cases/{caseId}/documents", rule: .readCase),
        Route(service: "coordination", method: "GET", path: "/cases/{caseId}/documents/{documentId}", rule: .readCase),
        Route(service: "coordination", method: "GET", path: "/cases/{caseId}/documents/{documentId}/content", rule: .readCase),
        Route(service: "coordination", method: "POST", path: "/cases/{caseId}/documents/{documentId}/versions", rule: .writeCase,
              document: true),
        Route(service: "coordination", method: "POST", path: "/tasks/{taskId}/completion", rule: .writeCase, body: { _ in
            ["outcome": "taken_over"] }),
        Route(service: "coordination", method: "DELETE", path: "/cases/{caseId}/consents/{consentId}", rule: .writeCase),
        Route(service: "coordination", method: "DELETE", path: "/cases/{caseId}/documents/{documentId}", rule: .writeCase),
        Route(service: "intake", method: "POST", path: "/persons/{personId}/closure", rule: .writeCase, body: { _ in
            ["reason": "left_canton", "closedOn": PersonFactory.today] }),
    ] }
}
