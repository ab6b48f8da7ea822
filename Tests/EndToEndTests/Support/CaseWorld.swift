import Foundation
import XCTest

/// One case with a record behind every route: registered by the canton in a household,
/// assessed as labour-market-ready (so its plan holds AMIplus, delivered by RAV), a consent for
/// RAV, a granted cost approval for AMIplus and the referral it sent, then assigned to
/// municipality 4001, which gets a handover task and the canton's final report.
struct CaseWorld {
    let personId: String
    let caseId: String
    let householdId: String
    let familyName: String
    let measureId: String
    let approvalId: String
    let consentId: String
    let taskId: String
    let reportId: String
    let stack: TestStack

    static let canton = TestEnvironment.token(org: "canton:KSD", subject: "world-builder")
    static let approver = TestEnvironment.token(org: "canton:KSD", roles: ["approver"], subject: "world-approver")
    static let responsible = TestEnvironment.token(org: "municipality:4001", subject: "world-4001")
    static var today: String { String(ISO8601DateFormatter().string(from: Date()).prefix(10)) }

    static var assessment: [String: Any] { [
        "kind": "short", "heldOn": today,
        "languageLevels": ["listening": "A2", "speaking": "A2", "reading": "A2", "writing": "A2"],
        "literate": true, "schoolYears": 10, "vocationalYears": 3, "healthRestriction": "none", "childcareDuties": false, "goals": ["work"],
    ] }

    static func build(stack: TestStack) throws -> CaseWorld {
        func client(_ service: String) throws -> RawHTTPClient { try stack.client(service) }
        /// Retries while the service has not learnt of the case yet (404/422), then expects `status`.
        func send(_ service: String, _ method: String, _ path: String, token: String = canton, body: Any? = nil,
                  status: Int) throws -> [String: Any] {
            let answer = try TestStack.eventually(within: 20) { () -> RawHTTPClient.Response? in
                let r = try client(service).json(method, path, token: token, body: body)
                return r.status == status ? r : nil
            }
            guard let answer else {
                let last = try client(service).json(method, path, token: token, body: body)
                throw TestFailure("\(method) \(service)\(path) never answered \(status): \(last.status) \(last.text.prefix(300))")
            }
            return try answer.json()
        }

        let familyName = "Matrix-\(UUID().uuidString.prefix(8))"
        let householdId = UUID().uuidString.lowercased()
        var person = Fixtures.person(givenName: "Farid", familyName: familyName, status: "VA")
        person["dateOfBirth"] = "1990-05-14"
        person["enteredCantonOn"] = today
        person["statusDecidedOn"] = today
        person["householdId"] = householdId
        let registered = try send("intake", "POST", "/persons", body: person, status: 201)
        let personId = try XCTUnwrap(registered["personId"] as? String)
        let caseId = try XCTUnwrap(registered["caseId"] as? String)

        _ = try send("assessment", "POST", "/cases/\(caseId)/assessments", body: assessment, status: 201)
        let plan = try TestStack.eventually(within: 20) { () -> [String: Any]? in
            let r = try client("plan").json("GET", "/cases/\(caseId)/plan", token: canton)
            guard r.status == 200, let json = try? r.json(),
                  (json["measures"] as? [[String: Any]] ?? []).contains(where: { ($0["catalogCode"] as? String) == "AMIPLUS" }) else { return nil }
            return json
        }
        let measures = try XCTUnwrap(plan, "the plan never held AMIPLUS")["measures"] as? [[String: Any]] ?? []
        let measureId = try XCTUnwrap(measures.first { ($0["catalogCode"] as? String) == "AMIPLUS" }?["measureId"] as? String)

        let consent = try send("coordination", "POST", "/cases/\(caseId)/consents",
                               body: ["partner": "partner:RAV", "givenOn": today, "documentRef": "DMS-matrix"], status: 201)
        let consentId = try XCTUnwrap(consent["consentId"] as? String)
        let approval = try send("costs", "POST", "/cost-approvals",
                                body: ["caseId": caseId, "measureId": measureId, "amountRappen": 600_000, "justification": "AMIplus"],
                                status: 201)
        let approvalId = try XCTUnwrap(approval["approvalId"] as? String)
        _ = try send("costs", "POST", "/cost-approvals/\(approvalId)/decision", token: approver,
                     body: ["decision": "granted", "reason": "meets the plan"], status: 200)
        _ = try TestStack.eventually(within: 20) { () -> Bool? in
            let r = try client("coordination").json("GET", "/cases/\(caseId)/referrals", token: canton)
            return r.status == 200 && r.text.contains("\"sent\"") ? true : nil
        }

        _ = try send("intake", "POST", "/persons/\(personId)/responsibility",
                     body: ["toOrg": "municipality:4001", "effectiveOn": today, "reason": "assignment"], status: 200)
        // Every service has learnt of the handover, the task is open and the final report written.
        for (service, path) in [("intake", "/persons/\(personId)"), ("assessment", "/cases/\(caseId)/assessments"),
                                ("plan", "/cases/\(caseId)/plan"), ("costs", "/cases/\(caseId)/budget"),
                                ("coordination", "/cases/\(caseId)/dossier")] {
            _ = try send(service, "GET", path, token: responsible, status: 200)
        }
        let tasks = try send("coordination", "GET", "/tasks?org=municipality:4001&kind=handover&status=open&limit=200",
                             token: responsible, status: 200)
        let taskId = try XCTUnwrap((tasks["items"] as? [[String: Any]] ?? []).first { ($0["caseId"] as? String) == caseId }?["taskId"] as? String,
                                   "no handover task for municipality 4001")
        let reports = try TestStack.eventually(within: 20) { () -> [[String: Any]]? in
            let r = try client("plan").json("GET", "/cases/\(caseId)/plan/final-reports", token: canton)
            let items = r.status == 200 ? (try r.json()["items"] as? [[String: Any]] ?? []) : []
            return items.isEmpty ? nil : items
        }
        let reportId = try XCTUnwrap(try XCTUnwrap(reports, "no final report after the handover").first?["reportId"] as? String)

        return CaseWorld(personId: personId, caseId: caseId, householdId: householdId, familyName: familyName, measureId: measureId,
                         approvalId: approvalId, consentId: consentId, taskId: taskId, reportId: reportId, stack: stack)
    }

    /// A path or query with `{name}` replaced by this case's ids.
    func fill(_ template: String) -> String {
        var text = template
        for (name, value) in [("personId", personId), ("caseId", caseId), ("householdId", householdId), ("familyName", familyName),
                              ("measureId", measureId), ("approvalId", approvalId), ("consentId", consentId), ("taskId", taskId),
                              ("reportId", reportId)] {
            text = text.replacingOccurrences(of: "{\(name)}", with: value)
        }
        return text
    }

    /// Whether an answer names this case or its person.
    func isNamed(in text: String) -> Bool { text.contains(caseId) || text.contains(personId) }

    /// What the case looks like in every service, as the canton reads it, once it has settled.
    func snapshot() throws -> [String] {
        func read() throws -> [String] {
            try [("intake", "/persons/\(personId)"), ("assessment", "/cases/\(caseId)/assessments"),
                 ("assessment", "/cases/\(caseId)/status-meetings"), ("plan", "/cases/\(caseId)/plan"),
                 ("costs", "/cases/\(caseId)/budget"), ("coordination", "/cases/\(caseId)/dossier"),
                 ("coordination", "/cases/\(caseId)/consents")].map { service, path in
                let r = try stack.client(service).json("GET", path, token: Self.canton)
                return "\(r.status) \(r.text)"
            }
        }
        var previous = try read()
        for _ in 0..<20 {
            Thread.sleep(forTimeInterval: 0.5)
            let current = try read()
            if current == previous { return current }
            previous = current
        }
        return previous
    }
}
